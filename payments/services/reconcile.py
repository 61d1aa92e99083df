"""Refund reservations left pending (a crash between the provider's answer and
settling, a missed refund event), settled by asking the provider."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from payments.models import Payment, Provider, RefundStatus
from payments.providers import get_provider
from payments.providers.base import REFUND_FAILED, REFUND_SUCCEEDED, RefundState
from payments.services.common import lock
from payments.services.refunds import refund_from_provider, refund_move


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
        payment = lock(payment)
        if payment.provider == Provider.STRIPE:
            results = [refund_from_provider(payment=payment, state=r) for r in known]
        else:
            results = _refunds_match_by_total(payment=payment, known=known)
        stale = payment.refunds.select_for_update().filter(
            status=RefundStatus.PENDING,
            provider_refund_id="",
            created_at__lte=older_than,
        )
        for row in stale:
            results.append(
                refund_move(
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
        results.append(refund_move(payment=payment, row=row, state=state))
    return results
