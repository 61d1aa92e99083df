"""Writes on events: create, update, publish, cancel, duplicate, delete."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

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


# An event's content: text in both languages, place, price and seats. A series
# gives it to each session (events.services.series.SESSION_FIELDS); a copy of an
# event keeps it.
CONTENT_FIELDS = (
    "title_es",
    "title_en",
    "description_es",
    "description_en",
    "venue_name",
    "venue_address",
    "map_url",
    "price",
    "currency",
    "capacity",
)
# What a copy keeps: the content, the seats' split by language and the banner. Not
# its tickets, series, status, or anything apps above events keep about it (widget
# settings, stats).
DUPLICATED_FIELDS = (*CONTENT_FIELDS, "seats_es_native", "seats_en_native", "banner")


@transaction.atomic
def event_duplicate(*, event: Event, starts_at: datetime, actor=None) -> Event:
    """Copy `event` as a draft starting at `starts_at`, lasting as long as the
    original. The copy stands alone (no series); the audit entry names the
    original. Refuses a start in the past."""
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": _("Give the start with its time zone.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Pick a start in the future.")})
    copy = Event(
        **{name: getattr(event, name) for name in DUPLICATED_FIELDS},
        starts_at=starts_at,
        ends_at=starts_at + (event.ends_at - event.starts_at),
        status=EventStatus.DRAFT,
    )
    day = timezone.localtime(starts_at).date().isoformat()
    copy.slug = unique_event_slug(
        f"{event.title_en or event.title_es or 'event'} {day}"
    )
    copy.full_clean()
    copy.save()
    audit_record(
        action="event.duplicated",
        actor=actor,
        target=copy,
        changes={"copied_from": str(event.pk)},
    )
    return copy


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
