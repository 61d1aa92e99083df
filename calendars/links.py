"""Add-to-calendar links for Google Calendar and Outlook (outlook.com and Office 365).

Both take UTC instants, so the calendar shows the event at the right local time
whatever the visitor's time zone. Values are percent-encoded with %20 for spaces:
Outlook's compose page shows a literal "+" otherwise.
"""

from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from events.ics import event_location, event_url
from events.models import Event
from spanglish.i18n import translated

GOOGLE_BASE = "https://calendar.google.com/calendar/render"
OUTLOOK_BASES = {
    "live": "https://outlook.live.com/calendar/0/action/compose",
    "office": "https://outlook.office.com/calendar/0/action/compose",
}
DETAILS_MAX = 1500  # long bodies make URLs some browsers and proxies refuse


def _details(event: Event, language: str) -> str:
    description = translated(event, "description", language)
    if len(description) > DETAILS_MAX:
        description = description[:DETAILS_MAX].rstrip() + "…"
    return f"{description}\n\n{event_url(event, language)}".strip()


def _encode(params: dict) -> str:
    return urlencode(params, quote_via=quote)


def google_link(event: Event, *, language: str) -> str:
    fmt = "%Y%m%dT%H%M%SZ"
    start = event.starts_at.astimezone(UTC).strftime(fmt)
    end = event.ends_at.astimezone(UTC).strftime(fmt)
    params = {
        "action": "TEMPLATE",
        "text": translated(event, "title", language),
        "dates": f"{start}/{end}",
        "details": _details(event, language),
        "location": event_location(event),
    }
    return f"{GOOGLE_BASE}?{_encode(params)}"


def _outlook_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def outlook_link(event: Event, *, language: str, account: str = "live") -> str:
    """account: "live" (outlook.com, personal) or "office" (Microsoft 365, work)."""
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": translated(event, "title", language),
        "startdt": _outlook_time(event.starts_at),
        "enddt": _outlook_time(event.ends_at),
        "body": _details(event, language),
        "location": event_location(event),
    }
    return f"{OUTLOOK_BASES[account]}?{_encode(params)}"
