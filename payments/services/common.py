"""What the payments services modules share: errors, constants, the row lock, the flag."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum

from community.audit import audit_record
from payments.models import Payment, PaymentStatus, RefundStatus
from payments.providers.base import ProviderState, RefundState
from spanglish.errors import ConflictError

logger = logging.getLogger("payments.services")

# Stripe refuses a Checkout Session that expires sooner than 30 minutes after it is
# created. Payables extend what they hold to match instead of letting the two disagree.
STRIPE_MIN_EXPIRY = timedelta(minutes=31)

PAID_STATUSES = (
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)


class ProviderUnavailable(ConflictError):
    code = "provider_unavailable"


def lock(payment: Payment) -> Payment:
    """The payment row, locked (call inside a transaction)."""
    return Payment.objects.select_for_update().get(pk=payment.pk)


def flag(payment: Payment, reason: str, state: ProviderState | RefundState) -> None:
    payment.flagged = True
    payment.flag_reason = reason[:255]
    payment.raw = {**payment.raw, "flagged_state": state.raw}
    payment.save(update_fields=["flagged", "flag_reason", "raw", "updated_at"])
    audit_record(action="payment.flagged", target=payment, changes={"reason": reason})


def reserved(payment: Payment) -> Decimal:
    """What pending refunds of `payment` have reserved (call with its row locked)."""
    total = payment.refunds.filter(status=RefundStatus.PENDING).aggregate(
        total=Sum("amount", default=Decimal("0"))
    )["total"]
    return Decimal(total)
