"""iCalendar (RFC 5545) files: one event, the public feed and a member's own feed.

Times are written in UTC (``DTSTART:20260329T083000Z``): every client converts them
to its own zone, and a UTC instant cannot be misread across a DST change.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone, translation

from events.models import Event, EventStatus
from spanglish.i18n import active_language, translated

PRODID = "-//Spanglish//Spanglish events//EN"
# How often subscribed clients should re-read a feed (REFRESH-INTERVAL, RFC 7986).
FEED_REFRESH = timedelta(hours=1)


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "spanglish.local"


def event_uid(event: Event) -> str:
    """Stable for the event's whole life: public_id never changes."""
    return f"{event.public_id}@{site_host()}"


def event_url(event: Event, language: str | None = None) -> str:
    """Absolute URL of the event page in `language` (default: the active one)."""
    with translation.override(language or active_language()):
        return settings.SITE_URL + event.get_absolute_url()


def event_location(event: Event) -> str:
    return ", ".join(part for part in (event.venue_name, event.venue_address) if part)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _vevent(event: Event, *, language: str, stamp: datetime) -> icalendar.Event:
    url = event_url(event, language)
    description = translated(event, "description", language)
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", _utc(stamp))
    vevent.add("dtstart", _utc(event.starts_at))
    vevent.add("dtend", _utc(event.ends_at))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", translated(event, "title", language) or event.slug)
    vevent.add("description", f"{description}\n\n{url}".strip())
    vevent.add("url", url)
    location = event_location(event)
    if location:
        vevent.add("location", location)
    vevent.add(
        "status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED"
    )
    vevent.add("last-modified", _utc(event.updated_at or stamp))
    return vevent


def _calendar(*, method: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def event_ics(event: Event, *, language: str | None = None) -> bytes:
    """One VCALENDAR with one VEVENT, title and description in `language`."""
    lang = language or active_language()
    cal = _calendar(method="PUBLISH")
    cal.add_component(_vevent(event, language=lang, stamp=timezone.now()))
    return cal.to_ical()


def feed_ics(
    events: Iterable[Event], *, name: str, language: str | None = None
) -> bytes:
    """A subscription feed (webcal): name and refresh hints for calendar apps."""
    lang = language or active_language()
    stamp = timezone.now()
    cal = _calendar(method="PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(FEED_REFRESH).to_ical().decode())
    for event in events:
        cal.add_component(_vevent(event, language=lang, stamp=stamp))
    return cal.to_ical()


# --- Event series (events/series.py) ------------------------------------------


def series_ics(series, *, language: str | None = None) -> bytes:
    """A series as one recurring VEVENT: DTSTART in the series' own zone (VTIMEZONE
    included) so clients keep 19:00 local across DST, RRULE, EXDATE for skipped
    dates. Sessions edited on their own are not carried as overrides."""
    from events.series import series_rrule

    lang = language or active_language()
    rule = series_rrule(series)
    with translation.override(lang):
        url = settings.SITE_URL + series.get_absolute_url()
    vevent = icalendar.Event()
    vevent.add("uid", f"series-{series.public_id}@{site_host()}")
    vevent.add("dtstamp", _utc(timezone.now()))
    vevent.add("dtstart", rule["dtstart"])
    vevent.add("duration", rule["duration"])
    vevent.add("rrule", rule["rrule"])
    if rule["exdate"]:
        vevent.add("exdate", rule["exdate"])
    vevent.add("sequence", series.sequence)
    vevent.add("summary", translated(series, "title", lang) or series.slug)
    description = translated(series, "description", lang)
    vevent.add("description", f"{description}\n\n{url}".strip())
    vevent.add("url", url)
    location = ", ".join(p for p in (series.venue_name, series.venue_address) if p)
    if location:
        vevent.add("location", location)
    cal = _calendar(method="PUBLISH")
    cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()
