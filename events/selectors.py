"""Reads of events that pages, API and admin share. Every list passes through
`annotate_events` (events/extensions.py): apps above add their counts (seats held)
in the same query."""

from django.db.models import QuerySet

from events.extensions import annotate_events
from events.models import Event, EventStatus
from media.models import Media, MediaRole
from spanglish.rows import instance_by_pk


def event_public_list() -> QuerySet[Event]:
    """Events a visitor may see, with seats held and the banner in the same query."""
    return annotate_events(Event.objects.visible().select_related("banner"))


def event_list_for(user) -> QuerySet[Event]:
    """Organizers and admins see every event; everyone else sees published ones."""
    qs = (
        Event.objects.all()
        if getattr(user, "is_organizer", False)
        else Event.objects.published()
    )
    return annotate_events(qs.select_related("banner"))


def event_gallery(*, event: Event) -> QuerySet[Media]:
    """An event's gallery photos, oldest first."""
    return Media.objects.filter(
        event_image__event=event, role=MediaRole.GALLERY
    ).order_by("created_at")


def event_published_by_pk(pk) -> Event | None:
    """The published event with primary key `pk` (a UUID or its text), every
    column, or None: `Event.objects.published().get(pk=pk)` as one statement
    written once. Every API booking reads its event so; the ORM built and compiled
    the same SELECT again each time."""
    return instance_by_pk(Event, pk, status=EventStatus.PUBLISHED)
