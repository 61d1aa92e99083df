"""Reads about payments that pages, API and admin share."""

from django.db.models import Count, F, Q, QuerySet, Sum

from payments.models import Payment, PaymentStatus
from payments.providers import online_provider_choices
from tickets.access import holds_ticket


def online_providers() -> list[tuple[str, str]]:
    """(code, label) of the online providers whose keys are configured."""
    return online_provider_choices()


def user_holds_ticket(*, user, session, ticket) -> bool:
    """The ticket's holder: its signed-in owner, or the browser that booked it."""
    return holds_ticket(user=user, session=session, ticket=ticket)


def user_can_see_payment(*, user, session, payment: Payment) -> bool:
    if user is not None and user.is_authenticated and user.is_organizer:
        return True
    if payment.pass_purchase_id:
        return bool(
            user is not None
            and user.is_authenticated
            and payment.pass_purchase.user_id == user.pk
        )
    return user_holds_ticket(user=user, session=session, ticket=payment.ticket)


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
        qs.values("ticket__event_id", "ticket__event__title_en", "currency")
        .annotate(
            received=Sum("amount", filter=paid, default=0),
            refunded=Sum("refunded_amount", filter=paid, default=0),
            payments=Count("id", filter=paid),
            flagged=Count("id", filter=Q(flagged=True)),
        )
        .annotate(net=F("received") - F("refunded"))
        .order_by("ticket__event__title_en", "currency")
    )
