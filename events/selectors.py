"""Reads of events that pages, API and admin share."""

from django.db.models import QuerySet

from events.models import Event
from tickets.selectors import with_seats_held


def event_public_list() -> QuerySet[Event]:
    """Events a visitor may see, with seats held and the banner in the same query."""
    return with_seats_held(Event.objects.visible().select_related("banner"))


def event_list_for(user) -> QuerySet[Event]:
    """Organizers and admins see every event; everyone else sees published ones."""
    qs = (
        Event.objects.all()
        if getattr(user, "is_organizer", False)
        else Event.objects.published()
    )
    return with_seats_held(qs.select_related("banner"))
