"""Reads about seats that pages, API and admin share."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tickets.models import Ticket, TicketStatus


def seats_held(*, event) -> int:
    return Ticket.objects.filter(event=event).holding_seats().count()


def seats_left(*, event) -> int:
    return max(event.capacity - seats_held(event=event), 0)


def with_seats_held(queryset: QuerySet) -> QuerySet:
    """Annotate events with `seats_held_count` in the same query (no N+1)."""
    now = timezone.now()
    held = (
        Ticket.objects.filter(event=OuterRef("pk"))
        .filter(
            Q(status__in=[TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN])
            | Q(status=TicketStatus.PENDING_PAYMENT, hold_expires_at__gt=now)
        )
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        seats_held_count=Coalesce(Subquery(held, output_field=IntegerField()), Value(0))
    )
