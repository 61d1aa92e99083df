"""Writes on payments: start a checkout, apply what a provider says, refund, cash.

Rules that hold whatever order notifications arrive in:
- a payment only becomes `succeeded` when the provider says it is paid, for the
  amount and currency we asked for (otherwise it is flagged for staff);
- a late "failed" or "expired" never undoes a success; nothing moves a refunded
  payment back to paid;
- money that arrives after the seat was given to someone else is refunded
  automatically (or flagged when the refund fails) — the event is never oversold.

Calls to providers happen outside the transactions that lock our rows.
"""

import logging
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from emails import notifications
from passes.models import Pass, PassStatus
from payments.models import (
    Payment,
    PaymentNotification,
    PaymentStatus,
    Provider,
    Refund,
    RefundStatus,
)
from payments.providers import get_provider
from payments.providers.base import (
    EXPIRED,
    FAILED,
    PAID,
    REFUND_FAILED,
    REFUND_PENDING,
    REFUND_SUCCEEDED,
    REFUNDED,
    Notification,
    ProviderError,
    ProviderState,
    RefundState,
)
from payments.selectors import online_providers
from spanglish.currency import minor_units, to_minor
from spanglish.errors import ConflictError
from tickets import services as ticket_services
from tickets.models import PaymentMethod, Ticket, TicketStatus

logger = logging.getLogger(__name__)

# How long a pass checkout stays open (nothing is held meanwhile).
PASS_CHECKOUT_MINUTES = 60
# Stripe refuses a Checkout Session that expires sooner than 30 minutes after it is
# created. We extend the seat hold to match instead of letting the two disagree.
STRIPE_MIN_EXPIRY = timedelta(minutes=31)

PAID_STATUSES = (
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)


class ProviderUnavailable(ConflictError):
    code = "provider_unavailable"


def _lock(payment: Payment) -> Payment:
    # of=("self",): the nullable joins must not be locked (PostgreSQL refuses
    # FOR UPDATE on the nullable side of an outer join).
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related("ticket", "pass_purchase")
        .get(pk=payment.pk)
    )


def _passes_services():
    # passes builds on payments; imported late so the two modules can load.
    from passes import services as pass_services

    return pass_services


# --- Cash ---------------------------------------------------------------------------


@transaction.atomic
def payment_record_cash(
    *, ticket: Ticket, amount: Decimal, actor, request=None
) -> Payment:
    """Door staff took cash for a pay-at-the-door ticket. Locks the ticket row; a
    second call returns the payment already recorded. Receipt after commit."""
    ticket = (
        Ticket.objects.select_for_update().select_related("event").get(pk=ticket.pk)
    )
    existing = ticket.payments.filter(
        provider=Provider.CASH, status=PaymentStatus.SUCCEEDED
    ).first()
    if existing is not None:
        return existing
    amount = Decimal(amount)
    if amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    payment = Payment.objects.create(
        ticket=ticket,
        provider=Provider.CASH,
        amount=amount,
        currency=ticket.event.currency,
        status=PaymentStatus.SUCCEEDED,
    )
    audit_record(
        action="payment.cash_recorded",
        actor=actor,
        target=payment,
        request=request,
        changes={"amount": str(amount), "currency": payment.currency},
    )
    transaction.on_commit(lambda: notifications.notify_payment_receipt(payment))
    return payment


def payment_record_unpaid(*, ticket: Ticket, actor, request=None) -> Payment:
    """Door staff let a pay-at-the-door ticket's holder in without taking money:
    the ticket is "admitted, not paid". An `unpaid` cash payment records what they
    owe (the ticket's amount due); no money was received, so it is never counted
    as cash nor refunded. Call inside the check-in's transaction (the ticket row is
    locked there); a second call returns the same row. Audited."""
    existing = ticket.payments.filter(
        provider=Provider.CASH, status=PaymentStatus.UNPAID
    ).first()
    if existing is not None:
        return existing
    payment = Payment.objects.create(
        ticket=ticket,
        provider=Provider.CASH,
        amount=ticket.amount_due,
        currency=ticket.event.currency,
        status=PaymentStatus.UNPAID,
    )
    audit_record(
        action="payment.admitted_unpaid",
        actor=actor,
        target=payment,
        request=request,
        changes={"owed": str(payment.amount), "currency": payment.currency},
    )
    return payment


def payment_record_cash_for_pass(*, pass_purchase, actor, request=None) -> Payment:
    """Staff took cash for a pass (call inside the transaction that sells it).
    Receipt to the buyer after commit."""
    payment = Payment.objects.create(
        pass_purchase=pass_purchase,
        provider=Provider.CASH,
        amount=pass_purchase.price,
        currency=pass_purchase.currency,
        status=PaymentStatus.SUCCEEDED,
    )
    audit_record(
        action="payment.cash_recorded",
        actor=actor,
        target=payment,
        request=request,
        changes={"amount": str(payment.amount), "currency": payment.currency},
    )
    transaction.on_commit(lambda: notifications.notify_payment_receipt(payment))
    return payment


# --- Online checkout -----------------------------------------------------------------


def _return_urls(payment: Payment) -> tuple[str, str]:
    page = settings.SITE_URL + reverse(
        "payments:return", kwargs={"payment_id": payment.pk}
    )
    return page, f"{page}?cancelled=1"


def payment_start(*, ticket: Ticket, provider_code: str) -> Payment:
    """Create a pending payment for a held ticket and open the provider's checkout.

    A pending payment with a live checkout for the same ticket and provider is
    reused (double clicks, back button). The provider is called outside any lock.
    """
    provider = _online_provider(provider_code)
    payment, reused = _payment_create_pending(
        ticket=ticket, provider_code=provider.code
    )
    if reused:
        return payment
    return _open_checkout(
        payment=payment, provider=provider, expires_at=payment.ticket.hold_expires_at
    )


def payment_start_for_pass(*, pass_purchase, provider_code: str) -> Payment:
    """Create a pending payment for a pass waiting to be paid and open the
    provider's checkout (open for PASS_CHECKOUT_MINUTES). A live pending checkout
    for the same pass and provider is reused. The provider is called outside any
    lock."""
    provider = _online_provider(provider_code)
    payment, reused = _payment_create_pending_for_pass(
        pass_purchase=pass_purchase, provider_code=provider.code
    )
    if reused:
        return payment
    minutes = max(PASS_CHECKOUT_MINUTES, int(STRIPE_MIN_EXPIRY.total_seconds() // 60))
    return _open_checkout(
        payment=payment,
        provider=provider,
        expires_at=timezone.now() + timedelta(minutes=minutes),
    )


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


def _online_provider(code: str):
    if code not in dict(online_providers()):
        raise ValidationError({"provider": _("This payment method is not available.")})
    return get_provider(code)


def _live_checkout(payments, provider_code: str) -> Payment | None:
    """A pending payment of this provider whose checkout is open: reused, so a
    second click does not start a second checkout."""
    return (
        payments.filter(provider=provider_code, status=PaymentStatus.PENDING)
        .exclude(checkout_url="")
        .first()
    )


def _pending_create(*, provider_code: str, **fields) -> Payment:
    """A new pending payment for a ticket or a pass (call inside its transaction)."""
    payment = Payment.objects.create(
        provider=provider_code, status=PaymentStatus.PENDING, **fields
    )
    audit_record(
        action="payment.started",
        target=payment,
        changes={"provider": provider_code, "amount": str(payment.amount)},
    )
    return payment


@transaction.atomic
def _payment_create_pending(
    *, ticket: Ticket, provider_code: str
) -> tuple[Payment, bool]:
    ticket = (
        Ticket.objects.select_for_update().select_related("event").get(pk=ticket.pk)
    )
    if (
        ticket.payment_method != PaymentMethod.ONLINE
        or not ticket.holds_seat
        or (ticket.status != TicketStatus.PENDING_PAYMENT)
    ):
        raise ConflictError(
            _("This ticket is not waiting for an online payment."), code="not_payable"
        )
    now = timezone.now()
    live = _live_checkout(ticket.payments, provider_code)
    if live is not None:
        return live, True
    if (
        provider_code == Provider.STRIPE
        and ticket.hold_expires_at < now + STRIPE_MIN_EXPIRY
    ):
        before = ticket.hold_expires_at
        ticket.hold_expires_at = now + STRIPE_MIN_EXPIRY
        ticket.save(update_fields=["hold_expires_at", "updated_at"])
        audit_record(
            action="ticket.hold_extended",
            target=ticket,
            changes={
                "hold_expires_at": [
                    before.isoformat(),
                    ticket.hold_expires_at.isoformat(),
                ],
                "reason": "stripe checkout minimum expiry",
            },
        )
    payment = _pending_create(
        provider_code=provider_code,
        ticket=ticket,
        amount=ticket.event.price,
        currency=ticket.event.currency,
    )
    return payment, False


@transaction.atomic
def _payment_create_pending_for_pass(
    *, pass_purchase, provider_code: str
) -> tuple[Payment, bool]:
    pass_purchase = (
        Pass.objects.select_for_update()
        .select_related("product", "user")
        .get(pk=pass_purchase.pk)
    )
    if pass_purchase.status != PassStatus.PENDING_PAYMENT:
        raise ConflictError(
            _("This pass is not waiting for a payment."), code="not_payable"
        )
    live = _live_checkout(pass_purchase.payments, provider_code)
    if live is not None:
        return live, True
    payment = _pending_create(
        provider_code=provider_code,
        pass_purchase=pass_purchase,
        amount=pass_purchase.price,
        currency=pass_purchase.currency,
    )
    return payment, False


def payment_cancel_pending_for_ticket(*, ticket: Ticket) -> None:
    """The ticket's hold expired: its pending payments become cancelled, and their
    checkouts are closed at the provider after commit (best effort)."""
    with transaction.atomic():
        pending = list(
            Payment.objects.select_for_update().filter(
                ticket_id=ticket.pk, status=PaymentStatus.PENDING
            )
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


# --- Notifications and reconciliation ----------------------------------------------


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
            result = _apply_refunds(payment=payment, refunds=refunds)
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


def _flag(payment: Payment, reason: str, state: ProviderState | RefundState) -> None:
    payment.flagged = True
    payment.flag_reason = reason[:255]
    payment.raw = {**payment.raw, "flagged_state": state.raw}
    payment.save(update_fields=["flagged", "flag_reason", "raw", "updated_at"])
    audit_record(action="payment.flagged", target=payment, changes={"reason": reason})


def _apply_state(
    *, payment: Payment, state: ProviderState
) -> tuple[str, Payment | None]:
    """Move the payment as far as `state` allows. Locks the payment row. Returns
    (result, payment to refund because its seat is gone or None)."""
    payment = _lock(payment)
    before = payment.status
    if state.provider_payment_id and not payment.provider_payment_id:
        payment.provider_payment_id = state.provider_payment_id
        payment.save(update_fields=["provider_payment_id", "updated_at"])

    if state.state == PAID:
        if before in PAID_STATUSES:
            return "already_paid", None
        if not _amount_matches(payment, state):
            _flag(
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
        if payment.pass_purchase_id:
            if not _passes_services().pass_activate(
                pass_purchase=payment.pass_purchase
            ):
                _flag(payment, "paid for a pass that was closed meanwhile", state)
                return "pass_closed", payment
            # Only the transition to succeeded gets here (replays stop at
            # "already_paid" above), so the receipt goes out once per payment.
            transaction.on_commit(lambda: notifications.notify_payment_receipt(payment))
            return "succeeded", None
        if not ticket_services.ticket_confirm_payment(ticket=payment.ticket):
            _flag(payment, "paid after the seat was given to someone else", state)
            return "seat_gone", payment
        transaction.on_commit(lambda: notifications.notify_payment_receipt(payment))
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
        refunded -= _reserved(payment)
        if refunded <= payment.refunded_amount:
            return "already_refunded", None
        _set_refunded(payment, min(refunded, payment.amount), actor=None, request=None)
        return payment.status, None

    return "pending", None


def _amount_matches(payment: Payment, state: ProviderState) -> bool:
    if state.amount is None or not state.currency:
        return False
    places = Decimal(1).scaleb(-minor_units(payment.currency))
    return state.currency.upper() == payment.currency.upper() and Decimal(
        state.amount
    ).quantize(places) == payment.amount.quantize(places)


def _set_refunded(payment: Payment, refunded_total: Decimal, *, actor, request) -> None:
    """Record the refunded total on a locked payment; a full refund frees the seat."""
    before = payment.status
    before_amount = payment.refunded_amount
    payment.refunded_amount = refunded_total
    full = refunded_total >= payment.amount
    payment.status = (
        PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED
    )
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    audit_record(
        action="payment.refunded",
        actor=actor,
        target=payment,
        request=request,
        changes={
            "status": [before, payment.status],
            "refunded_amount": [str(before_amount), str(refunded_total)],
        },
    )
    if payment.pass_purchase_id:
        if full:
            _passes_services().pass_close(
                pass_purchase=payment.pass_purchase, actor=actor, request=request
            )
    elif full and payment.ticket.status != TicketStatus.CHECKED_IN:
        ticket_services.ticket_cancel(
            ticket=payment.ticket,
            actor=actor,
            request=request,
            status=TicketStatus.REFUNDED,
        )
    amount = refunded_total - before_amount
    transaction.on_commit(lambda: notifications.notify_refund(payment, amount))


def _refund_after_resale(payment: Payment) -> str:
    try:
        payment_refund(payment=payment, amount=None, actor=None, automatic=True)
    except (ProviderUnavailable, ConflictError) as exc:
        logger.error("automatic refund of %s failed: %s", payment.pk, exc)
        return "seat_gone_flagged"
    Payment.objects.filter(pk=payment.pk).update(flagged=False)
    return "refunded_seat_gone"


# --- Refunds ---------------------------------------------------------------------------


def payment_refund(
    *,
    payment: Payment,
    amount: Decimal | None,
    actor,
    request=None,
    automatic: bool = False,
) -> Payment:
    """Refund `amount` (all that is left when None) of a succeeded payment.

    Three steps, so two refunds at once can never together exceed what was paid:
    a Refund row is reserved under the payment's row lock (pending reservations
    count as used), the provider is called outside any lock with an idempotency
    key derived from the payment and what was used before (a retried click never
    refunds twice), then the reservation is settled or, when the provider refuses,
    released; a refund the provider reports as still under way stays reserved
    until its refund event or the reconciliation settles it. A full refund marks
    the ticket refunded and frees its seat (a checked-in ticket keeps its
    check-in). Audited.
    """
    refund = _refund_reserve(
        payment=payment, amount=amount, actor=actor, automatic=automatic
    )
    try:
        answer = get_provider(refund.payment.provider).refund(
            payment=refund.payment,
            amount=refund.amount,
            idempotency_key=refund.idempotency_key,
            refund_id=str(refund.pk),
        )
    except ProviderError as exc:
        _refund_release(refund=refund, error=str(exc))
        raise ProviderUnavailable(
            _("The payment provider refused or did not answer: %(error)s")
            % {"error": exc}
        ) from exc
    return _refund_settle(refund=refund, answer=answer, request=request)


def _reserved(payment: Payment) -> Decimal:
    """What pending refunds of `payment` have reserved (call with its row locked)."""
    total = payment.refunds.filter(status=RefundStatus.PENDING).aggregate(
        total=Sum("amount", default=Decimal("0"))
    )["total"]
    return Decimal(total)


@transaction.atomic
def _refund_reserve(
    *, payment: Payment, amount: Decimal | None, actor, automatic: bool
) -> Refund:
    """Lock the payment, check what is left (settled and reserved refunds count as
    used) and reserve a pending Refund row for `amount`."""
    payment = _lock(payment)
    if payment.status not in (
        PaymentStatus.SUCCEEDED,
        PaymentStatus.PARTIALLY_REFUNDED,
    ):
        raise ConflictError(
            _("Only a paid payment can be refunded."), code="not_refundable"
        )
    used = payment.refunded_amount + _reserved(payment)
    left = max(payment.amount - used, Decimal("0"))
    amount = left if amount is None else Decimal(amount)
    if amount <= 0 or amount > left:
        raise ValidationError(
            {
                "amount": _("The refund must be more than 0 and at most %(left)s.")
                % {"left": left}
            }
        )
    places = Decimal(1).scaleb(-minor_units(payment.currency))
    if amount != amount.quantize(places):
        raise ValidationError(
            {"amount": _("This currency does not have that many decimals.")}
        )
    key = (
        f"refund-{payment.pk}-{to_minor(used, payment.currency)}"
        f"-{to_minor(amount, payment.currency)}"
    )
    # After a released refund the same amount may be asked for again: a key of
    # its own, or the provider would answer with the failed refund it kept.
    released = payment.refunds.filter(status=RefundStatus.FAILED).count()
    if released:
        key = f"{key}-r{released}"
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        idempotency_key=key,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        automatic=automatic,
    )
    refund.payment = payment
    return refund


@transaction.atomic
def _refund_release(*, refund: Refund, error: str) -> None:
    """The provider refused or did not answer: the reserved amount is free again."""
    _lock(refund.payment)
    Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
        status=RefundStatus.FAILED, error=error[:500], updated_at=timezone.now()
    )


@transaction.atomic
def _refund_settle(*, refund: Refund, answer: dict, request=None) -> Payment:
    """The provider answered our refund request: apply its answer to the
    reservation under the payment's lock — settled (added to the refunded total),
    kept pending while the provider is still at it, or released. A refund event
    or the reconciliation may have moved the row meanwhile; one provider refund id
    is one row, so nothing is counted twice."""
    payment = _lock(refund.payment)
    row = Refund.objects.select_for_update().get(pk=refund.pk)
    state = get_provider(payment.provider).refund_state(payment=payment, answer=answer)
    state.amount = row.amount
    refunds = [
        *payment.raw.get("refunds", []),
        {"key": row.idempotency_key, "answer": answer},
    ]
    payment.raw = {**payment.raw, "refunds": refunds}
    payment.save(update_fields=["raw", "updated_at"])
    taken = (
        state.provider_refund_id
        and payment.refunds.filter(provider_refund_id=state.provider_refund_id)
        .exclude(pk=row.pk)
        .exists()
    )
    if taken and not row.provider_refund_id:
        # The provider answered with a refund another row already holds (a key
        # it had seen before): this reservation made no new refund.
        _refund_move(
            payment=payment,
            row=row,
            state=RefundState(
                provider_refund_id="",
                state=REFUND_FAILED,
                amount=row.amount,
                error=f"answered with refund {state.provider_refund_id}, "
                "already recorded",
            ),
        )
    elif row.provider_refund_id and row.provider_refund_id != state.provider_refund_id:
        # An event for another refund of the same amount was matched to this row
        # before we knew our refund's id: ours is then a refund of its own.
        state.refund_id = ""
        _refund_from_provider(payment=payment, state=state, request=request)
    else:
        _refund_move(payment=payment, row=row, state=state, request=request)
    if row.automatic:
        audit_record(
            action="payment.refunded_automatically",
            target=payment,
            changes={"reason": "seat no longer available"},
        )
    return payment


def _count_refund(payment: Payment, amount: Decimal, *, actor, request) -> None:
    """Add a settled refund to a locked payment's refunded total (never past what
    was paid: refunds the provider reports beyond it flag the payment)."""
    total = payment.refunded_amount + amount
    if total > payment.amount:
        _flag(
            payment,
            f"refunds add up to {total} {payment.currency}, "
            f"more than the {payment.amount} paid",
            RefundState(provider_refund_id="", state=REFUND_SUCCEEDED, amount=amount),
        )
        total = payment.amount
    if total > payment.refunded_amount:
        _set_refunded(payment, total, actor=actor, request=request)


def _refund_move(
    *, payment: Payment, row: Refund, state: RefundState, request=None
) -> str:
    """Apply what the provider says about one refund to its row (the payment and
    the row locked by the caller). Returns a short result."""
    before = row.status
    fields = ["status", "provider_refund_id", "error", "updated_at"]
    if state.provider_refund_id and not row.provider_refund_id:
        row.provider_refund_id = state.provider_refund_id[:255]
    if state.state == REFUND_SUCCEEDED:
        row.status, row.error = RefundStatus.SUCCEEDED, ""
        row.save(update_fields=fields)
        if before == RefundStatus.SUCCEEDED:
            return "already_refunded"
        # A released reservation the provider carried out after all (our call
        # timed out) is real money back: counted now.
        _count_refund(payment, row.amount, actor=row.actor, request=request)
        return payment.status
    if state.state == REFUND_PENDING:
        if before == RefundStatus.FAILED:
            row.status = RefundStatus.PENDING  # still under way: reserved again
        row.save(update_fields=fields)
        return "already_refunded" if before == RefundStatus.SUCCEEDED else "pending"
    # REFUND_FAILED
    if before == RefundStatus.PENDING:
        row.status = RefundStatus.FAILED
        row.error = (state.error or "failed at the provider")[:500]
        row.save(update_fields=fields)
        audit_record(
            action="payment.refund_released",
            target=payment,
            changes={
                "refund": str(row.pk),
                "amount": str(row.amount),
                "reason": row.error,
            },
        )
        return "refund_released"
    row.save(update_fields=fields)
    if before == RefundStatus.SUCCEEDED:
        # Already counted and the ticket maybe freed: people decide what next.
        _flag(
            payment,
            f"refund {row.provider_refund_id} of {row.amount} failed after it "
            "was counted",
            state,
        )
        return "flagged"
    return "already_failed"


def _refund_row_for(payment: Payment, state: RefundState) -> Refund | None:
    """Our Refund row for a provider refund: by the provider's refund id, else by
    our id echoed in its metadata, else (a refund that does not echo it) the
    oldest pending reservation of the same amount still without a provider id. A
    row already tied to another provider refund is never reused."""
    rows = payment.refunds.select_for_update()
    if state.provider_refund_id:
        row = rows.filter(provider_refund_id=state.provider_refund_id).first()
        if row is not None:
            return row
    free = rows.filter(provider_refund_id="")
    if state.refund_id:
        try:
            return free.filter(pk=uuid.UUID(state.refund_id)).first()
        except ValueError:
            return None
    return (
        free.filter(status=RefundStatus.PENDING, amount=state.amount)
        .order_by("created_at")
        .first()
    )


def _refund_from_provider(*, payment: Payment, state: RefundState, request=None) -> str:
    """Apply one refund the provider reports for a locked payment: our own moves
    its reservation; one made elsewhere (Stripe's dashboard) is recorded as a row
    of its own, counted when it has succeeded. Audited."""
    row = _refund_row_for(payment, state)
    if row is not None:
        return _refund_move(payment=payment, row=row, state=state, request=request)
    if (
        state.state == REFUND_FAILED
        or state.amount <= 0
        or payment.status not in PAID_STATUSES
    ):
        return "ignored"
    row = Refund.objects.create(
        payment=payment,
        amount=state.amount,
        status=RefundStatus.PENDING,
        provider_refund_id=state.provider_refund_id[:255],
        idempotency_key=f"provider-{state.provider_refund_id}"[:255],
    )
    audit_record(
        action="payment.refund_recorded",
        target=payment,
        changes={
            "refund": str(row.pk),
            "provider_refund_id": row.provider_refund_id,
            "amount": str(row.amount),
            "made_at": "provider",
        },
    )
    if state.state == REFUND_PENDING:
        return "pending"  # reserved until the provider says how it ended
    row.status = RefundStatus.SUCCEEDED
    row.save(update_fields=["status", "updated_at"])
    _count_refund(payment, row.amount, actor=None, request=request)
    return payment.status


def _apply_refunds(*, payment: Payment, refunds: list[RefundState]) -> str:
    """Apply a refund event (or the refunds listed for one). Locks the payment."""
    payment = _lock(payment)
    before = (payment.status, payment.refunded_amount)
    results = [
        _refund_from_provider(payment=payment, state=refund)
        for refund in refunds
        if not refund.provider_payment_id
        or not payment.provider_payment_id
        or refund.provider_payment_id == payment.provider_payment_id
    ]
    if (payment.status, payment.refunded_amount) != before:
        return payment.status
    return results[-1] if results else "ignored"


def payment_refunds_reconcile(*, payment: Payment, older_than: datetime) -> str:
    """Settle or release refund reservations left pending since before
    `older_than` (a crash between the provider's answer and settling, a missed
    refund event) by asking the provider for the payment's refunds. The provider is
    asked outside any lock; the rows then move under the payment's lock. Stripe
    refunds made elsewhere are recorded on the way, as their events would have.
    A reservation the provider knows nothing of is released. Raises ProviderError.
    """
    provider = get_provider(payment.provider)
    if not provider.online:
        return "skipped"
    known = provider.list_refunds(payment=payment)
    with transaction.atomic():
        payment = _lock(payment)
        if payment.provider == Provider.STRIPE:
            results = [_refund_from_provider(payment=payment, state=r) for r in known]
        else:
            results = _refunds_match_by_total(payment=payment, known=known)
        stale = payment.refunds.select_for_update().filter(
            status=RefundStatus.PENDING,
            provider_refund_id="",
            created_at__lte=older_than,
        )
        for row in stale:
            results.append(
                _refund_move(
                    payment=payment,
                    row=row,
                    state=RefundState(
                        provider_refund_id="",
                        state=REFUND_FAILED,
                        amount=row.amount,
                        error="not found at the provider",
                    ),
                )
            )
    changed = [r for r in results if r not in ("already_refunded", "ignored")]
    return ", ".join(changed) or "nothing"


def _refunds_match_by_total(*, payment: Payment, known: list[RefundState]) -> list:
    """MercadoPago: its notifications count refunds by the payment's refunded total
    (leaving out what our reservations hold), so refunds made elsewhere have no
    row. A pending reservation is settled with a refund of its amount no row holds
    only while the provider's total has room for it; otherwise it stays to be
    released."""
    results = []
    rows = list(payment.refunds.select_for_update().filter(status=RefundStatus.PENDING))
    by_id = {r.provider_refund_id: r for r in known if r.provider_refund_id}
    linked = set(
        payment.refunds.exclude(provider_refund_id="").values_list(
            "provider_refund_id", flat=True
        )
    )
    room = (
        sum((r.amount for r in known if r.state == REFUND_SUCCEEDED), Decimal(0))
        - payment.refunded_amount
    )
    for row in rows:
        state = by_id.get(row.provider_refund_id) if row.provider_refund_id else None
        if state is None and not row.provider_refund_id:
            state = next(
                (
                    r
                    for r in known
                    if r.provider_refund_id not in linked
                    and r.amount == row.amount
                    and (r.state != REFUND_SUCCEEDED or room >= row.amount)
                ),
                None,
            )
        if state is None:
            continue
        linked.add(state.provider_refund_id)
        if state.state == REFUND_SUCCEEDED and row.status == RefundStatus.PENDING:
            room -= row.amount
        results.append(_refund_move(payment=payment, row=row, state=state))
    return results
