"""A member's payments, for the member data of the apps above (seam:
community.contributors).

A payment belongs to a member only through what it paid for (a ticket, a pass), so
payments registers no section of its own: the contributors of tickets and passes
nest payments under each of their items with these helpers — the same JSON the
history API and the data export showed before payments became generic.
"""

from payments.models import Payment
from payments.selectors import payments_for_payables

__all__ = ["payment_export", "payments_erase_provider_data", "payments_for_payables"]


def payment_export(payment: Payment) -> dict:
    """One payment as the member's data export shows it."""
    return {
        "id": str(payment.pk),
        "provider": payment.provider,
        "amount": payment.amount,
        "currency": payment.currency,
        "status": payment.status,
        "refunded_amount": payment.refunded_amount,
        "created_at": payment.created_at,
    }


def payments_erase_provider_data(*, kind: str, ids, now) -> int:
    """Provider payloads carry the payer's name and address: emptied for the
    payments of these payables (amounts, dates and provider references stay for
    the accounts). Call inside the erasure's transaction."""
    return Payment.objects.of_many(kind, ids).update(raw={}, updated_at=now)
