"""Refunds: ours (reserve, call the provider, settle or release) and the ones a
provider reports (its events, refunds made in its dashboard)."""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from payments.models import Payment, PaymentStatus, Refund, RefundStatus
from payments.notifications import notify_refund
from payments.providers import get_provider
from payments.providers.base import (
    REFUND_FAILED,
    REFUND_PENDING,
    REFUND_SUCCEEDED,
    ProviderError,
    RefundState,
)
from payments.services.common import (
    PAID_STATUSES,
    ProviderUnavailable,
    flag,
    lock,
    reserved,
)
from spanglish.currency import minor_units, to_minor
from spanglish.errors import ConflictError


def payment_refund(
    *,
    payment: Payment,
    amount: Decimal | None,
    actor,
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
    return _refund_settle(refund=refund, answer=answer)


@transaction.atomic
def _refund_reserve(
    *, payment: Payment, amount: Decimal | None, actor, automatic: bool
) -> Refund:
    """Lock the payment, check what is left (settled and reserved refunds count as
    used) and reserve a pending Refund row for `amount`."""
    payment = lock(payment)
    if payment.status not in (
        PaymentStatus.SUCCEEDED,
        PaymentStatus.PARTIALLY_REFUNDED,
    ):
        raise ConflictError(
            _("Only a paid payment can be refunded."), code="not_refundable"
        )
    used = payment.refunded_amount + reserved(payment)
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
    lock(refund.payment)
    Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
        status=RefundStatus.FAILED, error=error[:500], updated_at=timezone.now()
    )


@transaction.atomic
def _refund_settle(*, refund: Refund, answer: dict) -> Payment:
    """The provider answered our refund request: apply its answer to the
    reservation under the payment's lock — settled (added to the refunded total),
    kept pending while the provider is still at it, or released. A refund event
    or the reconciliation may have moved the row meanwhile; one provider refund id
    is one row, so nothing is counted twice."""
    payment = lock(refund.payment)
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
        refund_move(
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
        refund_from_provider(payment=payment, state=state)
    else:
        refund_move(payment=payment, row=row, state=state)
    if row.automatic:
        audit_record(
            action="payment.refunded_automatically",
            target=payment,
            changes={"reason": "seat no longer available"},
        )
    return payment


def _count_refund(payment: Payment, amount: Decimal, *, actor) -> None:
    """Add a settled refund to a locked payment's refunded total (never past what
    was paid: refunds the provider reports beyond it flag the payment)."""
    total = payment.refunded_amount + amount
    if total > payment.amount:
        flag(
            payment,
            f"refunds add up to {total} {payment.currency}, "
            f"more than the {payment.amount} paid",
            RefundState(provider_refund_id="", state=REFUND_SUCCEEDED, amount=amount),
        )
        total = payment.amount
    if total > payment.refunded_amount:
        set_refunded(payment, total, actor=actor)


def refund_move(*, payment: Payment, row: Refund, state: RefundState) -> str:
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
        _count_refund(payment, row.amount, actor=row.actor)
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
        flag(
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


def refund_from_provider(*, payment: Payment, state: RefundState) -> str:
    """Apply one refund the provider reports for a locked payment: our own moves
    its reservation; one made elsewhere (Stripe's dashboard) is recorded as a row
    of its own, counted when it has succeeded. Audited."""
    row = _refund_row_for(payment, state)
    if row is not None:
        return refund_move(payment=payment, row=row, state=state)
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
    _count_refund(payment, row.amount, actor=None)
    return payment.status


def apply_refunds(*, payment: Payment, refunds: list[RefundState]) -> str:
    """Apply a refund event (or the refunds listed for one). Locks the payment."""
    payment = lock(payment)
    before = (payment.status, payment.refunded_amount)
    results = [
        refund_from_provider(payment=payment, state=refund)
        for refund in refunds
        if not refund.provider_payment_id
        or not payment.provider_payment_id
        or refund.provider_payment_id == payment.provider_payment_id
    ]
    if (payment.status, payment.refunded_amount) != before:
        return payment.status
    return results[-1] if results else "ignored"


def set_refunded(payment: Payment, refunded_total: Decimal, *, actor) -> None:
    """Record the refunded total on a locked payment; the payable's handler then
    hears of it (a full refund frees a ticket's seat, closes a pass)."""
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
        changes={
            "status": [before, payment.status],
            "refunded_amount": [str(before_amount), str(refunded_total)],
        },
    )
    payment.handler.on_refunded(
        payment, amount=refunded_total - before_amount, full=full, actor=actor
    )
    notify_refund(payment, refunded_total - before_amount)
