"""Writes on payments: start a checkout, apply what a provider says, refund, cash.

Payments are generic over what is paid (payments.payables): a ticket, a pass…
Rules that hold whatever order notifications arrive in:
- a payment only becomes `succeeded` when the provider says it is paid, for the
  amount and currency we asked for (otherwise it is flagged for staff);
- a late "failed" or "expired" never undoes a success; nothing moves a refunded
  payment back to paid;
- money that arrives after what it paid for can no longer be given (the seat went
  to someone else, the pass was closed) is refunded automatically (or flagged when
  the refund fails) — the event is never oversold.

Calls to providers happen outside the transactions that lock our rows. By topic:
checkout.py, webhooks.py, refunds.py, reconcile.py, cash.py (common.py: shared).
"""

from payments.services.cash import (
    payment_record_cash,
    payment_record_unpaid,
    payment_void_cash,
)
from payments.services.checkout import (
    payment_cancel_pending,
    payment_provider_check,
    payment_start,
)
from payments.services.common import (
    PAID_STATUSES,
    STRIPE_MIN_EXPIRY,
    ProviderUnavailable,
)
from payments.services.reconcile import payment_refunds_reconcile
from payments.services.refunds import payment_refund
from payments.services.webhooks import payment_handle_notification, payment_reconcile

__all__ = [
    "PAID_STATUSES",
    "STRIPE_MIN_EXPIRY",
    "ProviderUnavailable",
    "payment_cancel_pending",
    "payment_handle_notification",
    "payment_provider_check",
    "payment_reconcile",
    "payment_record_cash",
    "payment_record_unpaid",
    "payment_refund",
    "payment_refunds_reconcile",
    "payment_void_cash",
    "payment_start",
]
