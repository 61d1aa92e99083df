"""Writes on events: create, update, publish, cancel, delete."""

from django.db import transaction
from django.utils.text import slugify

from community.audit import audit_record
from events.models import Event, EventStatus
from events.signals import event_cancelled, event_changed

# Changes that make calendars refresh their copy (RFC 5545 SEQUENCE).
CALENDAR_FIELDS = {
    "title_es",
    "title_en",
    "description_es",
    "description_en",
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_address",
    "status",
}


def unique_event_slug(base: str, *, exclude_pk=None) -> str:
    base = slugify(base)[:100] or "event"
    slug, n = base, 2
    qs = Event.objects.exclude(pk=exclude_pk) if exclude_pk else Event.objects.all()
    while qs.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def event_create(*, actor=None, **fields) -> Event:
    """Validate and create an event; the slug comes from the title when not given."""
    event = Event(**fields)
    if not event.slug:
        event.slug = unique_event_slug(event.title_en or event.title_es or "event")
    event.full_clean()
    event.save()
    audit_record(action="event.created", actor=actor, target=event)
    return event


@transaction.atomic
def event_update(*, event: Event, actor=None, **fields) -> Event:
    """Apply changes after validation; bumps the calendar sequence when it matters."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    changes = {}
    for name, value in fields.items():
        old = getattr(event, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(event, name, value)
    if not changes:
        return event
    event.full_clean()
    if CALENDAR_FIELDS & changes.keys():
        event.sequence += 1
    event.save()
    audit_record(
        action="event.updated",
        actor=actor,
        target=event,
        changes=changes,
    )
    # Apps above events (tickets: tell the holders) hear of it once it is saved
    # for good; see events/signals.py.
    if "status" in changes and event.status == EventStatus.CANCELLED:
        transaction.on_commit(lambda: event_cancelled.send(sender=Event, event=event))
    elif event.status == EventStatus.PUBLISHED:
        changed = list(changes)
        transaction.on_commit(
            lambda: event_changed.send(sender=Event, event=event, changes=changed)
        )
    return event


def event_publish(*, event: Event, actor=None) -> Event:
    return event_update(event=event, status=EventStatus.PUBLISHED, actor=actor)


def event_cancel(*, event: Event, actor=None) -> Event:
    """Cancel an event; `events.signals.event_cancelled` goes out after commit."""
    return event_update(event=event, status=EventStatus.CANCELLED, actor=actor)


@transaction.atomic
def event_delete(*, event: Event, actor=None) -> bool:
    """Delete an event with no tickets; an event with tickets is cancelled instead.

    Returns True when deleted, False when cancelled.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.tickets.exists():
        event_cancel(event=event, actor=actor)
        return False
    audit_record(action="event.deleted", actor=actor, target=event)
    event.delete()
    return True
