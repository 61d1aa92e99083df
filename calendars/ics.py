"""Subscription feeds (webcal) of many events: the public feed and a member's own.

One event's file and a series' file are built in events/ics.py (events owns them:
ticket emails attach them); a feed is a calendar of those VEVENTs with a name and
refresh hints. `event_ics` is re-exported here for the calendars pages.
"""

from collections.abc import Iterable
from datetime import timedelta

import icalendar
from django.conf import settings
from django.utils import timezone

from events.ics import event_ics, event_vevent, ics_calendar
from events.models import Event
from spanglish.i18n import active_language

__all__ = ["FEED_REFRESH", "event_ics", "feed_ics"]

# How often subscribed clients should re-read a feed (REFRESH-INTERVAL, RFC 7986).
FEED_REFRESH = timedelta(hours=1)


def feed_ics(
    events: Iterable[Event], *, name: str, language: str | None = None
) -> bytes:
    """A subscription feed (webcal): name and refresh hints for calendar apps."""
    lang = language or active_language()
    stamp = timezone.now()
    cal = ics_calendar(method="PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(FEED_REFRESH).to_ical().decode())
    for event in events:
        cal.add_component(event_vevent(event, language=lang, stamp=stamp))
    return cal.to_ical()
