"""Writes on passes: sell (online or cash), activate, book a session, refund, close.

Lock order: the pass row, then (inside tickets.services.ticket_book) the event row.
Sessions left are counted from PassUse rows while the pass row is locked, so two
bookings on one pass can never spend more sessions than it has.
"""

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from events.models import Event
from passes.models import Pass, PassProduct, PassStatus, PassUse
from payments import services as payment_services
from payments.models import Payment, PaymentStatus
from spanglish.currency import minor_units
from spanglish.errors import ConflictError
from tickets import services as ticket_services
from tickets.models import PaymentMethod, Ticket


class PassNotUsable(ConflictError):
    code = "pass_not_usable"


def _lock(pass_purchase: Pass) -> Pass:
    return Pass.objects.select_for_update().get(pk=pass_purchase.pk)


def _new_pass(*, product: PassProduct, buyer) -> Pass:
    return Pass(
        product=product,
        user=buyer,
        series_id=product.series_id,
        sessions_total=product.sessions,
        validity_days=product.validity_days,
        price=product.price,
        currency=product.currency,
    )


def _start_validity(pass_purchase: Pass, now) -> None:
    pass_purchase.status = PassStatus.ACTIVE
    pass_purchase.activated_at = now
    pass_purchase.expires_at = now + timedelta(days=pass_purchase.validity_days)


# --- Selling -----------------------------------------------------------------------------


def pass_purchase_start(*, product: PassProduct, buyer, provider_code: str) -> Payment:
    """Open an online checkout for `product`. Returns the pending payment (its
    `checkout_url` is where the buyer goes). The pass becomes active when the
    provider's notification says it is paid. A second click while a checkout for
    the same product and provider is open returns that checkout."""
    if not product.is_active:
        raise ValidationError({"product": _("This pass is not on sale.")})
    if product.price <= 0:
        raise ValidationError(
            {"product": _("This pass is free: ask the organizers for it.")}
        )
    payment_services.payment_provider_check(provider_code)
    waiting = Pass.objects.filter(
        user=buyer, product=product, status=PassStatus.PENDING_PAYMENT
    ).values_list("pk", flat=True)
    open_payment = (
        Payment.objects.of_many("pass", waiting)
        .filter(provider=provider_code, status=PaymentStatus.PENDING)
        .exclude(checkout_url="")
        .first()
    )
    if open_payment is not None:
        return open_payment
    with transaction.atomic():
        pass_purchase = _new_pass(product=product, buyer=buyer)
        pass_purchase.save()
        audit_record(
            action="pass.ordered",
            actor=buyer,
            target=pass_purchase,
            changes={"product": str(product.pk), "provider": provider_code},
        )
    return payment_services.payment_start(
        kind="pass", payable_id=pass_purchase.pk, provider_code=provider_code
    )


@transaction.atomic
def pass_sell_cash(
    *, product: PassProduct, buyer, actor, event: Event | None = None
) -> Pass:
    """Staff took cash for a pass: the pass is active at once and the cash payment
    recorded (receipt to the buyer after commit). With `event` (the door the cash
    was taken at, in the event's currency) the sale counts in that event's cash-up,
    for `actor`. Audited."""
    if not product.is_active:
        raise ValidationError({"product": _("This pass is not on sale.")})
    if event is not None and event.currency != product.currency:
        raise ValidationError(
            {
                "event": _(
                    "This pass is priced in another currency than the event's cash box."
                )
            }
        )
    now = timezone.now()
    pass_purchase = _new_pass(product=product, buyer=buyer)
    pass_purchase.sold_by = actor if getattr(actor, "is_authenticated", False) else None
    pass_purchase.sold_at_event = event
    _start_validity(pass_purchase, now)
    pass_purchase.save()
    payment_services.payment_record_cash(
        kind="pass",
        payable_id=pass_purchase.pk,
        amount=pass_purchase.price,
        currency=pass_purchase.currency,
        event_id=event.pk if event is not None else None,
        actor=actor,
    )
    audit_record(
        action="pass.sold_cash",
        actor=actor,
        target=pass_purchase,
        changes={
            "buyer": str(buyer.pk),
            "price": str(pass_purchase.price),
            "currency": pass_purchase.currency,
            "expires_at": pass_purchase.expires_at.isoformat(),
            "event": str(event.pk) if event is not None else None,
        },
    )
    return pass_purchase


@transaction.atomic
def pass_activate(*, pass_purchase: Pass) -> bool:
    """The pass was paid: start its validity. Locks the pass row; activating an
    active pass changes nothing (notifications replayed or reordered). Returns
    False when the pass was closed meanwhile (the caller refunds the money)."""
    pass_purchase = _lock(pass_purchase)
    if pass_purchase.status == PassStatus.ACTIVE:
        return True
    if pass_purchase.status == PassStatus.CLOSED:
        return False
    before = pass_purchase.status
    _start_validity(pass_purchase, timezone.now())
    pass_purchase.save(
        update_fields=["status", "activated_at", "expires_at", "updated_at"]
    )
    audit_record(
        action="pass.activated",
        target=pass_purchase,
        changes={
            "status": [before, pass_purchase.status],
            "expires_at": pass_purchase.expires_at.isoformat(),
        },
    )
    return True


@transaction.atomic
def pass_close(*, pass_purchase: Pass, actor=None) -> Pass:
    """No more bookings with this pass (its money was refunded). Locks the pass."""
    pass_purchase = _lock(pass_purchase)
    if pass_purchase.status == PassStatus.CLOSED:
        return pass_purchase
    before = pass_purchase.status
    pass_purchase.status = PassStatus.CLOSED
    pass_purchase.closed_at = timezone.now()
    pass_purchase.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        action="pass.closed",
        actor=actor,
        target=pass_purchase,
        changes={"status": [before, PassStatus.CLOSED]},
    )
    return pass_purchase


# --- Booking with a pass ----------------------------------------------------------------


def _refusal(pass_purchase: Pass, event: Event, user, now) -> str | None:
    if pass_purchase.user_id != user.pk:
        return _("This pass belongs to someone else.")
    if pass_purchase.status != PassStatus.ACTIVE:
        return _("This pass is not active.")
    if pass_purchase.expires_at <= now or event.starts_at >= pass_purchase.expires_at:
        return _("This pass expires before this session.")
    if not pass_purchase.covers(event):
        return _("This pass does not cover this event.")
    left = pass_purchase.sessions_left
    if left is not None and left <= 0:
        return _("This pass has no sessions left.")
    return None


@transaction.atomic
def pass_book_session(*, pass_: Pass, event: Event, user) -> Ticket:
    """Book `event` for `user` with a session of `pass_`. Locks the pass row, checks
    holder, expiry, coverage and sessions left, then books through
    tickets.services.ticket_book (which locks the event) and records the use, all
    in one transaction. A person who already has a ticket gets it back and spends
    nothing. Raises PassNotUsable, SoldOut or ValidationError."""
    pass_purchase = _lock(pass_)
    event = Event.objects.get(pk=event.pk)
    reason = _refusal(pass_purchase, event, user, timezone.now())
    if reason is not None:
        raise PassNotUsable(reason)
    ticket, created = ticket_services.ticket_book(
        event=event, user=user, payment_method=PaymentMethod.PASS
    )
    if not created:
        return ticket
    PassUse.objects.create(pass_purchase=pass_purchase, ticket=ticket, event=event)
    audit_record(
        action="pass.used",
        actor=user,
        target=pass_purchase,
        changes={
            "event": str(event.pk),
            "ticket": str(ticket.pk),
            "sessions_left": pass_purchase.sessions_left,
        },
    )
    return ticket


# --- Refunds ------------------------------------------------------------------------------


def pass_unused_share(pass_purchase: Pass, *, now=None) -> tuple[int, int]:
    """(unused, total) that the refund is pro rata of: sessions for a pass with a
    number of sessions, whole days left for an unlimited one."""
    now = now or timezone.now()
    if pass_purchase.sessions_total is not None:
        return pass_purchase.sessions_left, pass_purchase.sessions_total
    days_left = max((pass_purchase.expires_at - now).days, 0)
    return days_left, pass_purchase.validity_days


def pass_refund_amount(pass_purchase: Pass, payment: Payment, *, now=None) -> Decimal:
    """amount * unused / total, rounded down to the currency's smallest unit and
    never more than what is left to refund on the payment."""
    unused, total = pass_unused_share(pass_purchase, now=now)
    places = Decimal(1).scaleb(-minor_units(payment.currency))
    amount = (payment.amount * unused / total).quantize(places, rounding=ROUND_DOWN)
    return min(amount, payment.refundable_amount)


def pass_refund_unused(*, pass_: Pass, actor) -> Payment:
    """Refund the unused share of a valid pass through its payment's provider (or in
    cash) and close the pass. The pass is closed first, under its row lock, so no
    session can be booked while the provider is called (outside the lock); if the
    provider fails, the pass is reopened. Audited."""
    now = timezone.now()
    with transaction.atomic():
        pass_purchase = _lock(pass_)
        if pass_purchase.status != PassStatus.ACTIVE:
            raise ConflictError(
                _("Only an active pass can be refunded."), code="not_refundable"
            )
        if pass_purchase.expires_at <= now:
            raise ConflictError(
                _("This pass has expired: unused sessions are not refunded."),
                code="not_refundable",
            )
        payment = (
            pass_purchase.payments.filter(
                status__in=[
                    PaymentStatus.SUCCEEDED,
                    PaymentStatus.PARTIALLY_REFUNDED,
                ]
            )
            .order_by("created_at")
            .first()
        )
        if payment is None:
            raise ConflictError(
                _("No payment of this pass can be refunded."), code="not_refundable"
            )
        amount = pass_refund_amount(pass_purchase, payment, now=now)
        unused, total = pass_unused_share(pass_purchase, now=now)
        pass_purchase.status = PassStatus.CLOSED
        pass_purchase.closed_at = now
        pass_purchase.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(
            action="pass.refund_unused",
            actor=actor,
            target=pass_purchase,
            changes={
                "status": [PassStatus.ACTIVE, PassStatus.CLOSED],
                "unused": unused,
                "total": total,
                "amount": str(amount),
                "currency": payment.currency,
            },
        )
    if amount <= 0:
        return payment
    try:
        return payment_services.payment_refund(
            payment=payment, amount=amount, actor=actor
        )
    except (ConflictError, ValidationError):
        with transaction.atomic():
            reopened = _lock(pass_purchase)
            reopened.status = PassStatus.ACTIVE
            reopened.closed_at = None
            reopened.save(update_fields=["status", "closed_at", "updated_at"])
            audit_record(
                action="pass.reopened",
                actor=actor,
                target=reopened,
                changes={"reason": "refund failed"},
            )
        raise
