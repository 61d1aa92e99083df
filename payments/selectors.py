"""Reads about payments that pages, API and admin share."""

from django.db.models import Count, F, Q, QuerySet, Sum

from payments.models import Payment, PaymentStatus
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
        qs.values("event_id", "event__title_en", "currency")
        .annotate(
            received=Sum("amount", filter=paid, default=0),
            refunded=Sum("refunded_amount", filter=paid, default=0),
            payments=Count("id", filter=paid),
            flagged=Count("id", filter=Q(flagged=True)),
        )
        .annotate(net=F("received") - F("refunded"))
        .order_by("event__title_en", "currency")
    )
