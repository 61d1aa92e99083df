"""iCalendar (RFC 5545) for one event and for a weekly series: what a ticket email
attaches and what the "add to calendar" links download. Subscription feeds of many
events are built from these pieces in calendars/ics.py.

Times of one event are written in UTC (``DTSTART:20260329T083000Z``): every client
converts them to its own zone, and a UTC instant cannot be misread across a DST
change. A series keeps its local time zone (VTIMEZONE) so 19:00 stays 19:00.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone, translation

from events.models import Event, EventSeries, EventStatus
from events.recurrence import series_rrule
from spanglish.i18n import active_language, translated

PRODID = "-//Spanglish//Spanglish events//EN"


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


def event_vevent(event: Event, *, language: str, stamp: datetime) -> icalendar.Event:
    """One event as a VEVENT, title and description in `language`."""
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


def ics_calendar(*, method: str | None = None) -> icalendar.Calendar:
    """An empty VCALENDAR with our PRODID."""
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
    cal = ics_calendar(method="PUBLISH")
    cal.add_component(event_vevent(event, language=lang, stamp=timezone.now()))
    return cal.to_ical()


def series_ics(series: EventSeries, *, language: str | None = None) -> bytes:
    """A series as one recurring VEVENT: DTSTART in the series' own zone (VTIMEZONE
    included) so clients keep 19:00 local across DST, RRULE, EXDATE for skipped
    dates. Sessions edited on their own are not carried as overrides."""
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
    cal = ics_calendar(method="PUBLISH")
    cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()
