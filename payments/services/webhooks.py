"""What providers tell us: webhooks (recorded once, then applied) and the
reconciliation of a pending payment, moved under the payment's row lock."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from community.audit import audit_record
from payments.models import Payment, PaymentNotification, PaymentStatus
from payments.notifications import notify_payment_receipt
from payments.providers import get_provider
from payments.providers.base import (
    EXPIRED,
    FAILED,
    PAID,
    REFUNDED,
    Notification,
    ProviderState,
    RefundState,
)
from payments.services.common import (
    PAID_STATUSES,
    ProviderUnavailable,
    flag,
    lock,
    logger,
    reserved,
)
from payments.services.refunds import apply_refunds, payment_refund, set_refunded
from spanglish.currency import minor_units
from spanglish.errors import ConflictError

# What a paid payment whose payable can no longer be given is recorded as:
# (result, flag reason). A handler may say it in its own words (`unavailable`).
_UNAVAILABLE = ("payable_gone", "paid for something no longer available")


def payment_handle_notification(
    *, provider_code: str, notification: Notification
) -> str:
    """Record a verified notification once and apply what it says.

    Returns a short result ("duplicate", "ignored", "succeeded", ...). A replay of a
    recorded event id changes nothing and is answered before the provider's API is
    asked anything. Recording and applying share one transaction: if applying
    fails, the provider's retry is processed again. Raises ProviderError when the
    provider's API does not answer (nothing recorded: the provider retries).
    """
    recorded = PaymentNotification.objects.filter(
        provider=provider_code, event_id=notification.event_id
    )
    if recorded.exists():
        return "duplicate"
    # Outside the transaction: no lock is held while the provider is asked.
    state = notification.load_state()
    refunds = notification.load_refunds()
    refund_needed = None
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = PaymentNotification.objects.create(
                    provider=provider_code,
                    event_id=notification.event_id,
                    event_type=notification.event_type,
                    payload=notification.payload,
                )
        except IntegrityError:  # the same event, delivered twice at once
            return "duplicate"
        if refunds is not None:
            payment = _find_refunded_payment(provider_code, refunds)
        else:
            payment = _find_payment(provider_code, state) if state else None
        if payment is None:
            result = "ignored"
        elif refunds is not None:
            result = apply_refunds(payment=payment, refunds=refunds)
            record.payment = payment
        else:
            result, refund_needed = _apply_state(payment=payment, state=state)
            record.payment = payment
        record.result = result
        record.save(update_fields=["payment", "result", "updated_at"])
    if refund_needed is not None:
        result = _refund_after_resale(refund_needed)
    return result


def payment_reconcile(*, payment: Payment) -> str:
    """Ask the provider about a pending payment (a webhook may have been missed)."""
    provider = get_provider(payment.provider)
    state = provider.fetch_state(payment=payment)
    if state is None:
        return "unknown"
    with transaction.atomic():
        result, refund_needed = _apply_state(payment=payment, state=state)
    if refund_needed is not None:
        result = _refund_after_resale(refund_needed)
    return result


def _find_payment(provider_code: str, state: ProviderState) -> Payment | None:
    qs = Payment.objects.filter(provider=provider_code)
    if state.payment_id:
        try:
            return qs.filter(pk=state.payment_id).first()
        except (ValueError, ValidationError):
            return None
    if state.provider_payment_id:
        return qs.filter(provider_payment_id=state.provider_payment_id).first()
    return None


def _find_refunded_payment(
    provider_code: str, refunds: list[RefundState]
) -> Payment | None:
    for refund in refunds:
        payment = _find_payment(
            provider_code,
            ProviderState(
                payment_id=refund.payment_id,
                state=REFUNDED,
                provider_payment_id=refund.provider_payment_id,
            ),
        )
        if payment is not None:
            return payment
    return None


def _apply_state(
    *, payment: Payment, state: ProviderState
) -> tuple[str, Payment | None]:
    """Move the payment as far as `state` allows. Locks the payment row. Returns
    (result, payment to refund because its seat is gone or None)."""
    payment = lock(payment)
    before = payment.status
    if state.provider_payment_id and not payment.provider_payment_id:
        payment.provider_payment_id = state.provider_payment_id
        payment.save(update_fields=["provider_payment_id", "updated_at"])

    if state.state == PAID:
        if before in PAID_STATUSES:
            return "already_paid", None
        if not _amount_matches(payment, state):
            flag(
                payment,
                f"amount mismatch: paid {state.amount} {state.currency}, "
                f"expected {payment.amount} {payment.currency}",
                state,
            )
            return "flagged", None
        payment.status = PaymentStatus.SUCCEEDED
        payment.raw = {**payment.raw, "paid": state.raw}
        payment.save(update_fields=["status", "raw", "updated_at"])
        audit_record(
            action="payment.succeeded",
            target=payment,
            changes={"status": [before, payment.status]},
        )
        handler = payment.handler
        if not handler.on_paid(payment):
            result, reason = getattr(handler, "unavailable", _UNAVAILABLE)
            flag(payment, reason, state)
            return result, payment
        # Only the transition to succeeded gets here (replays stop at
        # "already_paid" above), so the receipt goes out once per payment.
        notify_payment_receipt(payment)
        return "succeeded", None

    if state.state in (FAILED, EXPIRED):
        if before != PaymentStatus.PENDING:
            return "ignored_late", None  # a late failure never undoes a success
        payment.status = (
            PaymentStatus.FAILED if state.state == FAILED else PaymentStatus.CANCELLED
        )
        payment.save(update_fields=["status", "updated_at"])
        audit_record(
            action=f"payment.{payment.status}",
            target=payment,
            changes={"status": [before, payment.status]},
        )
        payment.handler.on_failed(payment)
        return payment.status, None

    if state.state == REFUNDED:
        if before not in PAID_STATUSES:
            return "ignored", None
        refunded = (
            state.refunded_amount
            if state.refunded_amount is not None
            else (payment.amount)
        )
        # The provider's total may include refunds we reserved and have not
        # settled yet; settling adds those, so they are left out here.
        refunded -= reserved(payment)
        if refunded <= payment.refunded_amount:
            return "already_refunded", None
        set_refunded(payment, min(refunded, payment.amount), actor=None)
        return payment.status, None

    return "pending", None


def _amount_matches(payment: Payment, state: ProviderState) -> bool:
    if state.amount is None or not state.currency:
        return False
    places = Decimal(1).scaleb(-minor_units(payment.currency))
    return state.currency.upper() == payment.currency.upper() and Decimal(
        state.amount
    ).quantize(places) == payment.amount.quantize(places)


def _refund_after_resale(payment: Payment) -> str:
    try:
        payment_refund(payment=payment, amount=None, actor=None, automatic=True)
    except (ProviderUnavailable, ConflictError) as exc:
        logger.error("automatic refund of %s failed: %s", payment.pk, exc)
        return "seat_gone_flagged"
    Payment.objects.filter(pk=payment.pk).update(flagged=False)
    return "refunded_seat_gone"
