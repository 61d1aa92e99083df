"""Reads shared by the calendar pages, the widget, the API and the admin."""

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from calendars.models import Click, ClickType, EventWidgetSettings, WidgetSettings
from events.models import Event, EventStatus
from tickets.models import Ticket, TicketStatus
from tickets.selectors import with_seats_held

# Statuses whose events a calendar may show: drafts stay private.
CALENDAR_STATUSES = (
    EventStatus.PUBLISHED,
    EventStatus.COMPLETED,
    EventStatus.CANCELLED,
)
# Booked = still holding (or paying for) a seat.
BOOKED_STATUSES = (
    TicketStatus.CONFIRMED,
    TicketStatus.CHECKED_IN,
    TicketStatus.PENDING_PAYMENT,
)
FEED_PAST_DAYS = 90
APPEARANCE_FIELDS = (
    "background_color",
    "text_color",
    "accent_color",
    "accent_text_color",
    "label_google",
    "label_outlook",
    "label_ics",
    "label_ticket",
    "language",
)
BUTTONS = ("google", "outlook", "ics", "ticket")
DEFAULT_COLORS = {
    "background_color": "#ffffff",
    "text_color": "#1f2937",
    "accent_color": "#1d4ed8",
    "accent_text_color": "#ffffff",
}


def calendar_events() -> QuerySet[Event]:
    return Event.objects.filter(status__in=CALENDAR_STATUSES)


def calendar_event_get(*, public_id: str) -> Event | None:
    return with_seats_held(calendar_events()).filter(public_id=public_id).first()


def public_feed_events(now=None) -> QuerySet[Event]:
    """Published events from the last 90 days on, and cancelled ones still ahead so
    subscribed calendars learn of the cancellation."""
    now = now or timezone.now()
    recent = now - timedelta(days=FEED_PAST_DAYS)
    return Event.objects.filter(
        Q(
            status__in=[EventStatus.PUBLISHED, EventStatus.COMPLETED],
            ends_at__gte=recent,
        )
        | Q(status=EventStatus.CANCELLED, ends_at__gte=now)
    ).order_by("starts_at")


def member_feed_events(*, user) -> QuerySet[Event]:
    """Events the member holds a booked ticket for (confirmed, checked in, pending)."""
    booked = Ticket.objects.filter(user=user, status__in=BOOKED_STATUSES)
    return (
        calendar_events().filter(pk__in=booked.values("event_id")).order_by("starts_at")
    )


def widget_defaults() -> WidgetSettings:
    return WidgetSettings.objects.filter(pk=1).first() or WidgetSettings(pk=1)


@dataclass(frozen=True)
class WidgetLook:
    colors: dict
    labels: dict
    language: str
    buttons: tuple


def widget_look(*, event: Event) -> WidgetLook:
    """Site defaults with the event's overrides on top."""
    base = widget_defaults()
    override = EventWidgetSettings.objects.filter(event=event).first()
    values = {name: getattr(base, name) for name in APPEARANCE_FIELDS}
    shown = {b: getattr(base, f"show_{b}") for b in BUTTONS}
    if override:
        for name in APPEARANCE_FIELDS:
            if getattr(override, name):
                values[name] = getattr(override, name)
        for b in BUTTONS:
            if getattr(override, f"show_{b}") is not None:
                shown[b] = getattr(override, f"show_{b}")
    colors = {k: values[k] or default for k, default in DEFAULT_COLORS.items()}
    labels = {b: values[f"label_{b}"] for b in BUTTONS}
    return WidgetLook(
        colors=colors,
        labels=labels,
        language=values["language"],
        buttons=tuple(b for b in BUTTONS if shown[b]),
    )


def event_click_stats(*, event: Event, tz: ZoneInfo | None = None) -> dict:
    """Totals, per type, and per day in the site's time zone (days without clicks
    between the first and the last one are listed with zeros)."""
    tz = tz or ZoneInfo(settings.TIME_ZONE)
    clicks = Click.objects.filter(event=event)
    by_type = dict.fromkeys(ClickType.values, 0)
    for row in clicks.values("type").annotate(n=Count("id")).order_by():
        by_type[row["type"]] = row["n"]
    per_day: dict[date, dict] = {}
    rows = (
        clicks.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "type")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    for row in rows:
        day = per_day.setdefault(
            row["day"], {"clicks": 0, "by_type": dict.fromkeys(ClickType.values, 0)}
        )
        day["clicks"] += row["n"]
        day["by_type"][row["type"]] = row["n"]
    timeline = []
    if per_day:
        day, last = min(per_day), max(per_day)
        while day <= last:
            entry = per_day.get(
                day, {"clicks": 0, "by_type": dict.fromkeys(ClickType.values, 0)}
            )
            timeline.append({"date": day.isoformat(), **entry})
            day += timedelta(days=1)
    unique = (
        clicks.exclude(visitor="")
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "visitor")
        .distinct()
        .count()
    )
    return {
        "total_clicks": sum(by_type.values()),
        "clicks_by_type": by_type,
        "clicks_timeline": timeline,
        "unique_visitor_days": unique,
        "time_zone": str(tz),
    }
