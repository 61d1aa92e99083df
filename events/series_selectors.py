"""Reads of series that the series pages, API and admin share."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from events.extensions import annotate_events
from events.models import Event, EventSeries, EventStatus


def _next_start(now) -> Subquery:
    return Subquery(
        Event.objects.filter(
            series=OuterRef("pk"), status=EventStatus.PUBLISHED, ends_at__gte=now
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )


def series_public_list() -> QuerySet[EventSeries]:
    """Public series with `next_starts_at` (None when nothing is coming), one query."""
    return (
        EventSeries.objects.public()
        .annotate(next_starts_at=_next_start(timezone.now()))
        .order_by("next_starts_at", "title_en")
    )


def series_list_for(user) -> QuerySet[EventSeries]:
    """Organizers and admins see every series; everyone else the public ones."""
    qs = (
        EventSeries.objects.all()
        if getattr(user, "is_organizer", False)
        else EventSeries.objects.public()
    )
    return qs.annotate(next_starts_at=_next_start(timezone.now()))


def series_upcoming_sessions(*, series: EventSeries, user=None) -> QuerySet[Event]:
    """Coming sessions with seats held (no N+1); cancelled ones stay listed so
    people see a skipped date. Drafts only for organizers and admins."""
    statuses = [EventStatus.PUBLISHED, EventStatus.CANCELLED]
    if getattr(user, "is_organizer", False):
        statuses.append(EventStatus.DRAFT)
    return annotate_events(
        Event.objects.filter(series=series, status__in=statuses)
        .upcoming()
        .select_related("banner")
    )
