"""Online checkout: open one for a payable, close the pending ones of a payable."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from payments.models import Payment, PaymentStatus
from payments.payables import payable_handler
from payments.providers import get_provider
from payments.providers.base import ProviderError
from payments.selectors import online_providers
from payments.services.common import ProviderUnavailable, logger


def _return_urls(payment: Payment) -> tuple[str, str]:
    page = settings.SITE_URL + reverse(
        "payments:return", kwargs={"payment_id": payment.pk}
    )
    return page, f"{page}?cancelled=1"


def payment_provider_check(code: str):
    """The online provider `code`, or ValidationError when it is not offered (not
    an online provider, or its keys are not configured). The one check every
    checkout goes through."""
    if code not in dict(online_providers()):
        raise ValidationError({"provider": _("This payment method is not available.")})
    return get_provider(code)


def payment_start(*, kind: str, payable_id, provider_code: str) -> Payment:
    """Create a pending payment for a payable waiting to be paid and open the
    provider's checkout (until what the payable's handler answers).

    A pending payment with a live checkout for the same payable and provider is
    reused (double clicks, back button). The provider is called outside any lock.
    """
    provider = payment_provider_check(provider_code)
    payment, expires_at = _payment_create_pending(
        kind=kind, payable_id=payable_id, provider_code=provider.code
    )
    if expires_at is None:
        return payment
    return _open_checkout(payment=payment, provider=provider, expires_at=expires_at)


@transaction.atomic
def _payment_create_pending(*, kind: str, payable_id, provider_code: str):
    """(payment, checkout expiry), or (the live payment, None) when reused. The
    handler locks the payable row and refuses what is not waiting for a payment;
    only a new checkout asks it until when (a ticket extends its hold for Stripe)."""
    handler = payable_handler(kind)
    terms = handler.checkout_terms(payable_id, provider_code=provider_code)
    live = (
        Payment.objects.of(kind, payable_id)
        .filter(provider=provider_code, status=PaymentStatus.PENDING)
        .exclude(checkout_url="")
        .first()
    )
    if live is not None:
        return live, None
    expires_at = handler.checkout_expiry(payable_id, provider_code=provider_code)
    payment = Payment.objects.create(
        payable_kind=kind,
        payable_id=str(payable_id),
        event_id=terms.event_id,
        provider=provider_code,
        status=PaymentStatus.PENDING,
        amount=terms.amount,
        currency=terms.currency,
    )
    audit_record(
        action="payment.started",
        target=payment,
        changes={"provider": provider_code, "amount": str(payment.amount)},
    )
    return payment, expires_at


def _open_checkout(*, payment: Payment, provider, expires_at) -> Payment:
    success_url, cancel_url = _return_urls(payment)
    try:
        start = provider.start_checkout(
            payment=payment,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=expires_at,
        )
    except ProviderError as exc:
        logger.warning("checkout start failed for payment %s: %s", payment.pk, exc)
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.CANCELLED, updated_at=timezone.now()
        )
        raise ProviderUnavailable(
            _("The payment provider is not answering. Please try again in a minute.")
        ) from exc
    Payment.objects.filter(pk=payment.pk).update(
        provider_reference=start.reference,
        checkout_url=start.url,
        raw={"checkout": start.raw},
        updated_at=timezone.now(),
    )
    payment.refresh_from_db()
    return payment


def payment_cancel_pending(*, kind: str, payable_id) -> None:
    """The payable can no longer be paid (a ticket's hold expired): its pending
    payments become cancelled, and their checkouts are closed at the provider after
    commit (best effort)."""
    with transaction.atomic():
        pending = list(
            Payment.objects.select_for_update()
            .of(kind, payable_id)
            .filter(status=PaymentStatus.PENDING)
        )
        for payment in pending:
            payment.status = PaymentStatus.CANCELLED
            payment.save(update_fields=["status", "updated_at"])
            audit_record(
                action="payment.cancelled",
                target=payment,
                changes={"status": [PaymentStatus.PENDING, PaymentStatus.CANCELLED]},
            )

    def close_checkouts():
        for payment in pending:
            if not payment.provider_reference:
                continue
            try:
                get_provider(payment.provider).cancel_checkout(payment=payment)
            except ProviderError as exc:  # the provider's own expiry still applies
                logger.info("could not close checkout %s: %s", payment.pk, exc)

    transaction.on_commit(close_checkouts)
