"""Reads about payments that pages, API and admin share."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from payments.models import Payment, PaymentStatus, Provider, Refund, RefundStatus
from payments.providers import online_provider_choices


def online_providers() -> list[tuple[str, str]]:
    """(code, label) of the online providers whose keys are configured."""
    return online_provider_choices()


def user_can_see_payment(*, user, session, payment: Payment) -> bool:
    """Staff, or whom the payable's handler lets see it (its owner, the browser
    session that booked a ticket)."""
    if user is not None and user.is_authenticated and user.is_organizer:
        return True
    return payment.handler.visible_to(payment, user=user, session=session)


def payments_for_payables(kind: str, ids) -> dict[str, list[Payment]]:
    """The payments of each payable of `kind` among `ids`, oldest first, keyed by
    the payable's id as text (str(pk)); one query. For the member history and
    the data export of the apps above (tickets nest payments under each ticket)."""
    found: dict[str, list[Payment]] = {str(i): [] for i in ids}
    for payment in Payment.objects.of_many(kind, ids).order_by("created_at"):
        found.setdefault(payment.payable_id, []).append(payment)
    return found


def payments_totals_by_event(qs: QuerySet | None = None) -> QuerySet:
    """Per event and currency: money taken, refunded, and how many payments."""
    qs = Payment.objects.all() if qs is None else qs
    paid = Q(
        status__in=[
            PaymentStatus.SUCCEEDED,
            PaymentStatus.PARTIALLY_REFUNDED,
            PaymentStatus.REFUNDED,
        ]
    )
    return (
        qs.values("event_id", "event__title_en", "event__title_es", "currency")
        .annotate(
            received=Sum("amount", filter=paid, default=0),
            refunded=Sum("refunded_amount", filter=paid, default=0),
            payments=Count("id", filter=paid),
            flagged=Count("id", filter=Q(flagged=True)),
        )
        .annotate(net=F("received") - F("refunded"))
        .order_by("event__title_en", "currency")
    )


# --- Back office: money per event, and what was received and refunded when ---------

# Payments whose money arrived (refunded since or not).
RECEIVED_STATUSES = (
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)
ZERO = Decimal("0")


def money_by_event(event_ids) -> dict[str, list[dict]]:
    """For each event of `event_ids`, one dict per currency: `received`,
    `refunded`, `net` (received minus refunded), `pending` (payments still
    waiting for the provider) and `pending_amount`. Exact decimals; one query,
    whatever the number of events: {str(event id): [{"currency": …, …}, …]}."""
    found: dict[str, list[dict]] = {str(pk): [] for pk in event_ids}
    received = Q(status__in=RECEIVED_STATUSES)
    pending = Q(status=PaymentStatus.PENDING)
    rows = (
        Payment.objects.filter(received | pending, event_id__in=list(event_ids))
        .order_by()
        .values("event_id", "currency")
        .annotate(
            received=Sum("amount", filter=received, default=ZERO),
            refunded=Sum("refunded_amount", filter=received, default=ZERO),
            pending=Count("pk", filter=pending),
            pending_amount=Sum("amount", filter=pending, default=ZERO),
        )
        .order_by("event_id", "currency")
    )
    for row in rows:
        row["net"] = row["received"] - row["refunded"]
        found.setdefault(str(row.pop("event_id")), []).append(row)
    return found


def _window(qs: QuerySet, prefix: str, since, until, event_id) -> QuerySet:
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    if event_id is not None:
        qs = qs.filter(**{f"{prefix}event_id": event_id})
    return qs


def payments_received(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    event_id=None,
) -> QuerySet:
    """Payments whose money arrived, made in [since, until) and/or taken for one
    event, oldest first, as dicts (for reports: no provider payload but the fee
    details, `fee_details`, which `payment_fee` reads). A payment is dated when
    it was made (checkout started, cash taken): the provider confirms an online
    one within the checkout's lifetime."""
    qs = _window(
        Payment.objects.filter(status__in=RECEIVED_STATUSES), "", since, until, event_id
    )
    return qs.order_by("created_at", "pk").values(
        "pk",
        "created_at",
        "event_id",
        "payable_kind",
        "payable_id",
        "provider",
        "provider_reference",
        "currency",
        "amount",
        "refunded_amount",
        fee_details=F("raw__paid__fee_details"),
    )


def refunds_made(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    event_id=None,
) -> QuerySet:
    """Refunds that went through, made in [since, until) and/or of one event's
    payments, oldest first, as dicts. A refund is dated when it was made, not when
    the payment it returns was."""
    qs = _window(
        Refund.objects.filter(status=RefundStatus.SUCCEEDED),
        "payment__",
        since,
        until,
        event_id,
    )
    return qs.order_by("created_at", "pk").values(
        "pk",
        "created_at",
        "payment_id",
        "provider_refund_id",
        "amount",
        event_id=F("payment__event_id"),
        payable_kind=F("payment__payable_kind"),
        payable_id=F("payment__payable_id"),
        provider=F("payment__provider"),
        provider_reference=F("payment__provider_reference"),
        currency=F("payment__currency"),
    )


def payment_fee(*, provider: str, fee_details) -> Decimal | None:
    """What the provider kept of a payment, when it says so: MercadoPago lists its
    fees in the payment (`fee_details`, those the seller pays); Stripe's Checkout
    Session does not (its fee is on a balance transaction we never fetch): None,
    unknown. Cash costs nothing."""
    if provider == Provider.CASH:
        return ZERO
    if provider == Provider.MERCADOPAGO and isinstance(fee_details, list):
        return sum(
            (
                Decimal(str(fee.get("amount") or 0))
                for fee in fee_details
                if isinstance(fee, dict)
                and fee.get("fee_payer", "collector") == "collector"
            ),
            ZERO,
        )
    return None
