"""Cash taken by staff (at the door, for a pass) and "admitted, not paid"."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community.audit import audit_record
from payments.models import Payment, PaymentStatus, Provider
from payments.notifications import notify_payment_receipt


def _cash_payment_of(kind: str, payable_id, status: str) -> Payment | None:
    return (
        Payment.objects.of(kind, payable_id)
        .filter(provider=Provider.CASH, status=status)
        .first()
    )


def _cash_payment_create(
    kind: str, payable_id, amount, currency: str, event_id, status: str
) -> Payment:
    return Payment.objects.create(
        payable_kind=kind,
        payable_id=str(payable_id),
        event_id=event_id,
        provider=Provider.CASH,
        amount=amount,
        currency=currency,
        status=status,
    )


@transaction.atomic
def payment_record_cash(
    *,
    kind: str,
    payable_id,
    amount: Decimal,
    currency: str,
    actor,
    event_id=None,
    once: bool = False,
) -> Payment:
    """Staff took cash for a payable (call inside the transaction that holds the
    payable's row lock). With `once`, a second call returns the cash payment
    already recorded for it. Audited; receipt to the payer after commit."""
    if once:
        existing = _cash_payment_of(kind, payable_id, PaymentStatus.SUCCEEDED)
        if existing is not None:
            return existing
    amount = Decimal(amount)
    if amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    payment = _cash_payment_create(
        kind, payable_id, amount, currency, event_id, PaymentStatus.SUCCEEDED
    )
    audit_record(
        action="payment.cash_recorded",
        actor=actor,
        target=payment,
        changes={"amount": str(amount), "currency": payment.currency},
    )
    notify_payment_receipt(payment)
    return payment


def payment_record_unpaid(
    *, kind: str, payable_id, amount: Decimal, currency: str, actor, event_id=None
) -> Payment:
    """Staff let someone in without taking money: an `unpaid` cash payment records
    what they owe; no money was received, so it is never counted as cash nor
    refunded. Call inside the transaction that locks the payable's row; a second
    call returns the same row. Audited."""
    existing = _cash_payment_of(kind, payable_id, PaymentStatus.UNPAID)
    if existing is not None:
        return existing
    payment = _cash_payment_create(
        kind, payable_id, amount, currency, event_id, PaymentStatus.UNPAID
    )
    audit_record(
        action="payment.admitted_unpaid",
        actor=actor,
        target=payment,
        changes={"owed": str(payment.amount), "currency": payment.currency},
    )
    return payment


def payment_void_cash(*, payment: Payment, actor, reason: str) -> Payment:
    """Take back a door payment recorded by mistake (a mis-tap undone within
    minutes): a `succeeded` cash payment (the money was never taken) or an `unpaid`
    one becomes `cancelled`, so the cash-up no longer expects it. Call inside the
    transaction that locks the payable's row. No mail: the payer paid nothing.
    Audited."""
    before = payment.status
    if payment.provider != Provider.CASH or before not in (
        PaymentStatus.SUCCEEDED,
        PaymentStatus.UNPAID,
    ):
        raise ValidationError(_("Only a door payment can be taken back."))
    payment.status = PaymentStatus.CANCELLED
    payment.save(update_fields=["status", "updated_at"])
    audit_record(
        action="payment.cash_voided",
        actor=actor,
        target=payment,
        changes={
            "status": [before, payment.status],
            "amount": str(payment.amount),
            "reason": reason,
        },
    )
    return payment
