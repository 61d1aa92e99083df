"""Reads about seats, tickets and attendees that pages, API and admin share.

Seats held = confirmed + checked in + unexpired pending tickets + open waiting-list
offers (an offered seat is kept for the person it was offered to).
"""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tickets.models import Ticket, TicketStatus, WaitingListEntry, WaitlistStatus


def seats_held(*, event, exclude_offer=None) -> int:
    tickets = Ticket.objects.filter(event=event).holding_seats().count()
    offers = WaitingListEntry.objects.filter(event=event).open_offers()
    if exclude_offer is not None:
        offers = offers.exclude(pk=exclude_offer.pk)
    return tickets + offers.count()


def seats_left(*, event) -> int:
    return max(event.capacity - seats_held(event=event), 0)


def _count_subquery(qs: QuerySet) -> Subquery:
    return Subquery(
        qs.order_by().values("event").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def with_seats_held(queryset: QuerySet) -> QuerySet:
    """Annotate events with `seats_held_count` in the same query (no N+1)."""
    now = timezone.now()
    held = Ticket.objects.filter(event=OuterRef("pk")).filter(
        Q(status__in=[TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN])
        | Q(status=TicketStatus.PENDING_PAYMENT, hold_expires_at__gt=now)
    )
    offers = WaitingListEntry.objects.filter(
        event=OuterRef("pk"), status=WaitlistStatus.OFFERED, offer_expires_at__gt=now
    )
    return queryset.annotate(
        seats_held_count=Coalesce(_count_subquery(held), Value(0))
        + Coalesce(_count_subquery(offers), Value(0))
    )


def ticket_for_holder(*, event, user) -> Ticket | None:
    """The ticket a signed-in person already has for this event, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Ticket.objects.active().filter(event=event, user=user).first()


def checkin_counts(*, event) -> dict:
    """Checked in / expected (expected = every seat-holding ticket)."""
    counts = Ticket.objects.filter(event=event).aggregate(
        checked_in=Count("pk", filter=Q(status=TicketStatus.CHECKED_IN)),
        expected=Count(
            "pk",
            filter=Q(status__in=[TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN])
            | Q(
                status=TicketStatus.PENDING_PAYMENT,
                hold_expires_at__gt=timezone.now(),
            ),
        ),
    )
    return counts


def tickets_search(*, event, query: str, limit: int = 20) -> QuerySet[Ticket]:
    """Door fallback: find tickets of this event by name, email or code."""
    query = (query or "").strip()
    if len(query) < 2:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(event=event)
        .filter(
            Q(attendee_name__icontains=query)
            | Q(attendee_email__icontains=query)
            | Q(code__icontains=query.replace("-", "").upper())
        )
        .select_related("checked_in_by")
        .order_by("attendee_name")[:limit]
    )


def amount_paid_subquery() -> Coalesce:
    """Money received for each ticket: succeeded payments minus what was refunded."""
    from payments.models import Payment, PaymentStatus

    money = DecimalField(max_digits=12, decimal_places=2)
    paid = (
        Payment.objects.filter(
            ticket=OuterRef("pk"),
            status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED],
        )
        .order_by()
        .values("ticket")
        .annotate(
            total=Sum(
                ExpressionWrapper(
                    F("amount") - F("refunded_amount"), output_field=money
                )
            )
        )
        .values("total")
    )
    return Coalesce(
        Subquery(paid, output_field=money), Value(Decimal("0")), output_field=money
    )


def attendees_for_export(*, event) -> QuerySet:
    """One row per ticket with everything the attendee list shows, in one query."""
    return (
        Ticket.objects.filter(event=event)
        .annotate(amount_paid=amount_paid_subquery())
        .order_by("attendee_name", "created_at")
        .values_list(
            "attendee_name",
            "attendee_email",
            "user__phone",
            "status",
            "amount_paid",
            "payment_method",
            "checkin_at",
            "code",
        )
    )
