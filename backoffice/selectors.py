"""The dashboard's reads: today's and the next two weeks' events with their seats,
language balance, waiting list, money and check-ins.

Three queries whatever the number of events — the events with their ticket
counts (subqueries), the money per event and currency, the sales per day — each
from the selectors of the app that owns the rows.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.safestring import SafeString

from backoffice.charts import sales_svg, sales_timeline
from events.models import Event, EventStatus
from payments.selectors import money_by_event
from tickets.models import Side
from tickets.selectors import (
    flexible_used,
    sales_per_day,
    with_seats_held,
    with_side_counts,
    with_ticket_counts,
)

WINDOW_DAYS = 14
# Enough for a busy fortnight; the event list has the rest.
LIMIT = 40


@dataclass
class SideBalance:
    side: str
    label: str
    held: int
    kept: int


@dataclass
class EventCard:
    event: Event
    is_today: bool
    capacity: int
    sold: int
    held: int
    checked_in: int
    waiting: int
    sides: list[SideBalance] = field(default_factory=list)
    flexible: tuple[int, int] | None = None  # (used, of)
    money: list[dict] = field(default_factory=list)
    chart: SafeString | str = ""

    @property
    def left(self) -> int:
        return max(self.capacity - self.held, 0)

    @property
    def pending(self) -> int:
        return sum(row["pending"] for row in self.money)

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return self.event.starts_at <= now <= self.event.ends_at


@dataclass
class Dashboard:
    today: list[EventCard]
    upcoming: list[EventCard]
    more: bool  # more events in the window than shown
    days: int = WINDOW_DAYS


def _events(*, now: datetime) -> list[Event]:
    start_of_today = timezone.make_aware(
        datetime.combine(timezone.localdate(now), time.min)
    )
    queryset = Event.objects.filter(
        status__in=[EventStatus.PUBLISHED, EventStatus.COMPLETED],
        ends_at__gte=start_of_today,
        starts_at__lt=start_of_today + timedelta(days=WINDOW_DAYS + 1),
    ).order_by("starts_at", "pk")
    queryset = with_ticket_counts(with_side_counts(with_seats_held(queryset)))
    return list(queryset[: LIMIT + 1])


def _sides(event: Event) -> tuple[list[SideBalance], tuple[int, int] | None]:
    if not event.is_language_split:
        return [], None
    held = {
        Side.ES.value: event.held_es,
        Side.EN.value: event.held_en,
        "": max(event.seats_held_count - event.held_es - event.held_en, 0),
    }
    sides = [
        SideBalance(
            side=Side.ES.value,
            label=str(Side.ES.label),
            held=event.held_es,
            kept=event.seats_es_native,
        ),
        SideBalance(
            side=Side.EN.value,
            label=str(Side.EN.label),
            held=event.held_en,
            kept=event.seats_en_native,
        ),
    ]
    return sides, (flexible_used(event=event, held=held), event.seats_flexible)


def dashboard(*, now: datetime | None = None) -> Dashboard:
    """Today's events (starting today or running now) and those of the next
    WINDOW_DAYS days, soonest first. Three queries."""
    now = now or timezone.now()
    events = _events(now=now)
    more = len(events) > LIMIT
    events = events[:LIMIT]
    ids = [event.pk for event in events]
    money = money_by_event(ids)
    sales = sales_per_day(event_ids=ids)
    today = timezone.localdate(now)
    result = Dashboard(today=[], upcoming=[], more=more)
    for event in events:
        sides, flexible = _sides(event)
        is_today = (
            timezone.localdate(event.starts_at) == today
            or event.starts_at <= now <= event.ends_at
        )
        timeline = sales_timeline(
            sales.get(str(event.pk), []),
            last_day=min(today, timezone.localdate(event.starts_at)),
        )
        card = EventCard(
            event=event,
            is_today=is_today,
            capacity=event.capacity,
            sold=event.sold_count,
            held=event.seats_held_count,
            checked_in=event.checked_in_count,
            waiting=event.waiting_count,
            sides=sides,
            flexible=flexible,
            money=money.get(str(event.pk), []),
            chart=sales_svg(timeline, capacity=event.capacity),
        )
        (result.today if is_today else result.upcoming).append(card)
    return result
