"""The recurrence rule of a weekly series: its dates, times and RRULE (no writes).

The rule is evaluated on wall-clock dates and times in the series' own time zone
(python-dateutil's rrule over naive local datetimes), and each occurrence is then
pinned to that zone with zoneinfo and stored in UTC. A Tuesday 19:00 session is at
19:00 in Madrid before and after a DST change; only its UTC offset moves.

Rules: weekly, every two weeks, or monthly on the same weekday position as the
first date ("first Tuesday"; a fifth weekday means "last"). A series ends on a
last date, after a number of sessions, or never (sessions are generated
`HORIZON` ahead by the daily `generate_series_sessions` command).
A local time that does not exist on a spring-forward night is read with the
offset before the change (zoneinfo's fold=0).
"""

from datetime import UTC, date, datetime, time

from dateutil import rrule
from django.utils import timezone

from events.models import EventSeries, SeriesFrequency

_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def monthly_position(day: date) -> int:
    """1–4 for "first"…"fourth" weekday of the month, -1 for a fifth ("last")."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def _rule(series: EventSeries) -> rrule.rrule:
    weekday = series.start_date.weekday()
    kwargs = {
        "dtstart": datetime.combine(series.start_date, series.start_time),
        "count": series.count or None,
        "until": (datetime.combine(series.until, time.max) if series.until else None),
    }
    if series.frequency == SeriesFrequency.MONTHLY:
        position = monthly_position(series.start_date)
        return rrule.rrule(
            rrule.MONTHLY, byweekday=_WEEKDAYS[weekday](position), **kwargs
        )
    interval = 2 if series.frequency == SeriesFrequency.BIWEEKLY else 1
    return rrule.rrule(
        rrule.WEEKLY, interval=interval, byweekday=_WEEKDAYS[weekday], **kwargs
    )


def series_occurrences(
    series: EventSeries, *, start: date | None = None, end: date
) -> list[date]:
    """Local dates the rule gives from `start` to `end` (inclusive), skipped ones too."""
    start = max(start or series.start_date, series.start_date)
    if end < start:
        return []
    found = _rule(series).between(
        datetime.combine(start, time.min), datetime.combine(end, time.max), inc=True
    )
    return [moment.date() for moment in found]


def occurrence_times(series: EventSeries, day: date) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the session on local date `day`."""
    local = datetime.combine(day, series.start_time, tzinfo=series.zone)
    starts_at = local.astimezone(UTC)
    return starts_at, starts_at + series.duration


def series_local_today(series: EventSeries, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(series.zone).date()


def series_rrule(series: EventSeries) -> dict:
    """The rule in iCalendar terms, ready for `icalendar`:

    ``{"dtstart": aware local datetime, "duration": timedelta, "tzid": "Europe/Madrid",
    "rrule": {"FREQ": ..., "INTERVAL": ..., "BYDAY": [...], "UNTIL"|"COUNT": ...},
    "exdate": [aware local datetimes of skipped dates]}``.
    UNTIL is in UTC, as RFC 5545 requires when DTSTART has a TZID.
    """
    weekday = _ICAL_DAYS[series.start_date.weekday()]
    parts: dict = {"FREQ": "WEEKLY", "INTERVAL": 1, "BYDAY": [weekday]}
    if series.frequency == SeriesFrequency.BIWEEKLY:
        parts["INTERVAL"] = 2
    elif series.frequency == SeriesFrequency.MONTHLY:
        parts["FREQ"] = "MONTHLY"
        parts["BYDAY"] = [f"{monthly_position(series.start_date)}{weekday}"]
    if series.count:
        parts["COUNT"] = series.count
    elif series.until:
        parts["UNTIL"] = occurrence_times(series, series.until)[0]
    zone = series.zone
    return {
        "dtstart": datetime.combine(series.start_date, series.start_time, tzinfo=zone),
        "duration": series.duration,
        "tzid": series.time_zone,
        "rrule": parts,
        "exdate": [
            datetime.combine(date.fromisoformat(day), series.start_time, tzinfo=zone)
            for day in sorted(series.skipped_dates)
        ],
    }
