"""Writes on weekly series: create, generate sessions, skip a date, edit one
session or all future ones. The rule itself (dates, times, RRULE) is in
events/recurrence.py; sessions are Event rows written through events' services."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.audit import audit_record
from events.models import Event, EventSeries, EventStatus
from events.recurrence import occurrence_times, series_local_today, series_occurrences
from events.services.events import (
    CONTENT_FIELDS,
    event_delete,
    event_update,
    unique_event_slug,
)

# How far ahead open-ended (or long) series have their sessions as Event rows.
HORIZON = timedelta(weeks=12)
# A booked session whose date leaves the rule moves to a new date this close.
MOVE_WINDOW = timedelta(days=3)

# Copied from the series onto each session it generates or updates.
SESSION_FIELDS = CONTENT_FIELDS
# Changes of these fields change which dates/times the sessions have.
RULE_FIELDS = {
    "frequency",
    "start_date",
    "start_time",
    "duration",
    "time_zone",
    "until",
    "count",
}
SERIES_FIELDS = {*SESSION_FIELDS, *RULE_FIELDS, "slug", "session_status"}


def _session_values(series: EventSeries, day: date) -> dict:
    starts_at, ends_at = occurrence_times(series, day)
    values = {name: getattr(series, name) for name in SESSION_FIELDS}
    values.update(starts_at=starts_at, ends_at=ends_at, occurrence_date=day)
    return values


@transaction.atomic
def series_create(*, actor=None, generate: bool = True, **fields) -> EventSeries:
    """Validate and create a series; its sessions up to the horizon are generated."""
    series = EventSeries(**fields)
    if not series.slug:
        series.slug = _unique_series_slug(
            series.title_en or series.title_es or "series"
        )
    series.full_clean()
    series.save()
    audit_record(action="series.created", actor=actor, target=series)
    if generate:
        series_generate_sessions(series=series)
    return series


def _unique_series_slug(base: str) -> str:
    base = slugify(base)[:60] or "series"
    slug, n = base, 2
    while EventSeries.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def series_generate_sessions(
    *, series: EventSeries, now: datetime | None = None, horizon: timedelta = HORIZON
) -> list[Event]:
    """Create the missing future sessions up to `horizon` (or the series' end).

    Idempotent: locks the series row, then leaves out dates that already have a
    session (in any state, detached or moved) and skipped dates.
    """
    series = EventSeries.objects.select_for_update().get(pk=series.pk)
    now = now or timezone.now()
    today = series_local_today(series, now)
    taken = set(
        Event.objects.filter(series=series).values_list("occurrence_date", flat=True)
    )
    skipped = {date.fromisoformat(day) for day in series.skipped_dates}
    created = []
    for day in series_occurrences(series, start=today, end=(now + horizon).date()):
        if day in taken or day in skipped:
            continue
        values = _session_values(series, day)
        if values["starts_at"] <= now:
            continue
        event = Event(
            series=series,
            status=series.session_status,
            slug=unique_event_slug(f"{series.slug}-{day.isoformat()}"),
            **values,
        )
        event.full_clean()
        event.save()
        created.append(event)
    if created:
        audit_record(
            action="series.sessions_generated",
            target=series,
            changes={"dates": [e.occurrence_date.isoformat() for e in created]},
        )
    return created


def series_generate_all(*, now: datetime | None = None) -> int:
    """Extend every series to the horizon (the daily command). Returns sessions made."""
    total = 0
    for series in EventSeries.objects.all():
        total += len(series_generate_sessions(series=series, now=now))
    return total


@transaction.atomic
def session_skip(
    *,
    series: EventSeries,
    day: date,
    actor=None,
    now: datetime | None = None,
) -> Event | None:
    """Skip one date (a holiday): remembered so regeneration leaves it out; its
    session is deleted when it has no tickets, cancelled otherwise (ticket holders
    are told as for any cancellation). Returns the cancelled session, if any.
    Locks the series row."""
    series = EventSeries.objects.select_for_update().get(pk=series.pk)
    if day not in series_occurrences(series, start=day, end=day):
        raise ValidationError(
            {"date": _("%(date)s is not a date of this series.") % {"date": day}}
        )
    if occurrence_times(series, day)[0] <= (now or timezone.now()):
        raise ValidationError(
            {"date": _("That session has already started; it cannot be skipped.")}
        )
    if day.isoformat() not in series.skipped_dates:
        series.skipped_dates = sorted({*series.skipped_dates, day.isoformat()})
        series.sequence += 1
        series.save(update_fields=["skipped_dates", "sequence", "updated_at"])
    audit_record(
        action="series.date_skipped",
        actor=actor,
        target=series,
        changes={"date": day.isoformat()},
    )
    session = Event.objects.filter(series=series, occurrence_date=day).first()
    if session is None or session.status == EventStatus.CANCELLED:
        return session
    if event_delete(event=session, actor=actor):
        return None
    return Event.objects.get(pk=session.pk)


def session_update_one(*, event: Event, actor=None, **fields) -> Event:
    """Edit this session only: it is detached, so changes to all future sessions
    of its series leave it alone. Bumps the calendar sequence like any edit."""
    if event.series_id is not None:
        fields["is_detached"] = True
    return event_update(event=event, actor=actor, **fields)


@dataclass
class FutureUpdate:
    series: EventSeries
    updated: list[Event] = field(default_factory=list)
    removed: list[date] = field(default_factory=list)
    kept: list[Event] = field(default_factory=list)  # booked, no date to move to
    created: list[Event] = field(default_factory=list)


@transaction.atomic
def series_update_future(
    *,
    series: EventSeries,
    from_date: date | None = None,
    actor=None,
    now: datetime | None = None,
    **fields,
) -> FutureUpdate:
    """Change the series and apply it to every future, not detached session from
    `from_date` (default: today in the series' zone).

    Times are recomputed from the rule. A session whose date leaves the rule is
    deleted when it has no tickets; a booked one moves to the nearest new date
    within `MOVE_WINDOW` (or stays, detached, when there is none) — tickets are
    never deleted. Changed sessions get a new calendar sequence; missing dates are
    generated. Locks the series row, then each session row through event_update.
    """
    unknown = set(fields) - SERIES_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    series = EventSeries.objects.select_for_update().get(pk=series.pk)
    now = now or timezone.now()
    changes = {}
    for name, value in fields.items():
        old = getattr(series, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(series, name, value)
    if changes:
        series.full_clean()
        series.sequence += 1
        series.save()
    from_date = from_date or series_local_today(series, now)
    result = FutureUpdate(series=series)

    future = list(
        Event.objects.filter(
            series=series,
            occurrence_date__gte=from_date,
            starts_at__gt=now,
            is_detached=False,
        )
        .exclude(status=EventStatus.CANCELLED)
        .order_by("occurrence_date")
    )
    last = max([s.occurrence_date for s in future], default=from_date)
    skipped = {date.fromisoformat(day) for day in series.skipped_dates}
    wanted = {
        day
        for day in series_occurrences(
            series, start=from_date, end=max(last, (now + HORIZON).date())
        )
        if day not in skipped and occurrence_times(series, day)[0] > now
    }
    movers = [s for s in future if s.occurrence_date not in wanted]
    stays = [s for s in future if s.occurrence_date in wanted]
    taken = set(
        Event.objects.filter(series=series)
        .exclude(pk__in=[s.pk for s in movers])
        .values_list("occurrence_date", flat=True)
    )
    moves: list[tuple[Event, date]] = []
    for session in movers:
        if not session.tickets.exists():
            result.removed.append(session.occurrence_date)
            event_delete(event=session, actor=actor)
            continue
        free = [
            day
            for day in wanted - taken
            if abs(day - session.occurrence_date) <= MOVE_WINDOW
        ]
        if free:
            target = min(free, key=lambda d: abs(d - session.occurrence_date))
            taken.add(target)
            moves.append((session, target))
        else:
            result.kept.append(
                event_update(event=session, actor=actor, is_detached=True)
            )
    for session, day in [(s, s.occurrence_date) for s in stays] + moves:
        values = _session_values(series, day)
        values["status"] = series.session_status
        result.updated.append(event_update(event=session, actor=actor, **values))
    audit_record(
        action="series.updated",
        actor=actor,
        target=series,
        changes={
            **changes,
            "from_date": from_date.isoformat(),
            "sessions_removed": [d.isoformat() for d in result.removed],
        },
    )
    result.created = series_generate_sessions(series=series, now=now)
    return result
