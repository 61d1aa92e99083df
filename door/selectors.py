"""Reads for the door: the phone's ticket list and the end-of-night cash summary."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from community.models import AuditLog, User
from door.models import CashCount, CashUp
from events.models import Event, EventStatus
from passes.models import Pass
from passes.payables import KIND as PASS_KIND
from payments.models import Payment, PaymentStatus, Provider
from spanglish.currency import format_money
from tickets.models import Ticket, TicketStatus
from tickets.selectors import PAYABLE_KIND as TICKET_KIND

ZERO = Decimal("0.00")
PAID_STATUSES = (
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)
MANIFEST_STATUSES = (
    TicketStatus.CONFIRMED,
    TicketStatus.CHECKED_IN,
    TicketStatus.PENDING_PAYMENT,
    TicketStatus.CANCELLED,
    TicketStatus.REFUNDED,
)


def door_manifest(*, event: Event) -> dict:
    """Everything a phone needs to check people in with no connection. Two queries."""
    tickets = (
        Ticket.objects.filter(event=event, status__in=MANIFEST_STATUSES)
        .select_related("checked_in_by")
        .order_by("attendee_name", "code")
    )
    collect = {t.pk: _to_collect(t) for t in tickets}
    return {
        "event": {
            "id": str(event.pk),
            "title": event.title,
            "starts_at": event.starts_at.isoformat(),
            "currency": event.currency,
        },
        "tickets": [
            {
                "code": t.code,
                "name": t.attendee_name or t.attendee_email,
                "status": t.status,
                "payment_method": t.payment_method,
                "collect": str(collect[t.pk]),
                # Shown as is by the phone offline ("15,00 €"): Python formats money.
                "collect_display": format_money(collect[t.pk], event.currency)
                if collect[t.pk]
                else "",
                "checked_in_at": t.checkin_at.isoformat() if t.checkin_at else None,
                "checked_in_by": str(t.checked_in_by) if t.checked_in_by else "",
            }
            for t in tickets
        ],
    }


def _to_collect(ticket: Ticket) -> Decimal:
    if ticket.payment_method != "door":
        return Decimal("0")
    return max(ticket.amount_due - ticket.amount_collected, ZERO)


@dataclass
class VolunteerCash:
    volunteer_id: str
    name: str
    expected: Decimal = ZERO
    counted: Decimal | None = None
    payments: int = 0

    @property
    def difference(self) -> Decimal | None:
        return None if self.counted is None else self.counted - self.expected


@dataclass
class CashSummary:
    event: Event
    currency: str
    lines: list[VolunteerCash] = field(default_factory=list)
    cash_taken: Decimal = ZERO
    cash_refunded: Decimal = ZERO
    online_total: Decimal = ZERO
    online_refunded: Decimal = ZERO
    pass_tickets: int = 0
    free_tickets: int = 0
    # Passes sold for cash at this event's door (already in the lines and totals).
    passes_sold: int = 0
    pass_cash: Decimal = ZERO

    @property
    def expected(self) -> Decimal:
        return sum((line.expected for line in self.lines), ZERO)

    @property
    def counted(self) -> Decimal:
        return sum((line.counted or ZERO for line in self.lines), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected

    @property
    def all_counted(self) -> bool:
        return all(line.counted is not None for line in self.lines)


def cash_summary(*, event: Event) -> CashSummary:
    """Expected cash per volunteer (cash taken minus cash handed back), what each
    counted, and online money and pass tickets for comparison. Exact decimals.

    Who took a cash payment is the actor of its `payment.cash_recorded` audit entry
    (payment_record_cash audits it); the ticket's check-in volunteer (or the pass's
    seller) otherwise. Passes sold for cash at this event's door
    (passes.services.pass_sell_cash with `event`) count like ticket cash.
    """
    summary = CashSummary(event=event, currency=event.currency)
    payments = list(
        Payment.objects.filter(
            Q(payable_kind=TICKET_KIND)
            | Q(payable_kind=PASS_KIND, provider=Provider.CASH),
            event=event,
            status__in=PAID_STATUSES,
        ).order_by("created_at")
    )
    cash = [p for p in payments if p.provider == Provider.CASH]
    # Who else may have taken it: the ticket's check-in volunteer, the pass's seller.
    ids = {
        kind: [p.payable_id for p in cash if p.payable_kind == kind]
        for kind in (TICKET_KIND, PASS_KIND)
    }
    fallbacks = {
        (TICKET_KIND, str(pk)): user_id
        for pk, user_id in Ticket.objects.filter(pk__in=ids[TICKET_KIND]).values_list(
            "pk", "checked_in_by_id"
        )
    } | {
        (PASS_KIND, str(pk)): user_id
        for pk, user_id in Pass.objects.filter(pk__in=ids[PASS_KIND]).values_list(
            "pk", "sold_by_id"
        )
    }
    takers = dict(
        AuditLog.objects.filter(
            action="payment.cash_recorded",
            target_type="payments.payment",
            target_id__in=[str(p.pk) for p in cash],
            actor__isnull=False,
        ).values_list("target_id", "actor_id")
    )
    lines: dict[str, VolunteerCash] = {}
    for payment in payments:
        net = payment.amount - payment.refunded_amount
        if payment.provider != Provider.CASH:
            summary.online_total += net
            summary.online_refunded += payment.refunded_amount
            continue
        summary.cash_taken += payment.amount
        summary.cash_refunded += payment.refunded_amount
        if payment.payable_kind == PASS_KIND:
            summary.passes_sold += 1
            summary.pass_cash += net
        fallback = fallbacks.get((payment.payable_kind, payment.payable_id))
        taker = takers.get(str(payment.pk)) or fallback
        key = str(taker) if taker else ""
        line = lines.setdefault(key, VolunteerCash(volunteer_id=key, name=""))
        line.expected += net
        line.payments += 1
    for count in CashCount.objects.filter(event=event):
        key = str(count.volunteer_id)
        lines.setdefault(key, VolunteerCash(volunteer_id=key, name=""))
        lines[key].counted = count.counted
    names = {
        str(u.pk): str(u)
        for u in User.objects.filter(pk__in=[k for k in lines if k]).only(
            "pk", "name", "email"
        )
    }
    for key, line in lines.items():
        line.name = names.get(key, "") or "?"
    summary.lines = sorted(lines.values(), key=lambda line: line.name.lower())
    counts = Ticket.objects.filter(
        event=event, status__in=[TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN]
    ).aggregate(
        passes=Count("pk", filter=Q(payment_method="pass")),
        free=Count("pk", filter=Q(payment_method="free")),
    )
    summary.pass_tickets = counts["passes"]
    summary.free_tickets = counts["free"]
    return summary


@dataclass
class DoorEvents:
    """The door index: events of today and tomorrow first, then the rest (later
    ones, then yesterday's, whose cash-up may still be open)."""

    today: list[Event]
    tomorrow: list[Event]
    later: list[Event]
    earlier: list[Event]


def door_events(*, now: datetime | None = None, limit: int = 50) -> DoorEvents:
    """Events a door could be open for (published or completed, ended at most a
    day ago), soonest first. Today's are those starting today (local time) or
    running now. One query."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    events = list(
        Event.objects.filter(
            status__in=[EventStatus.PUBLISHED, EventStatus.COMPLETED],
            ends_at__gte=now - timedelta(days=1),
        ).order_by("starts_at")[:limit]
    )
    result = DoorEvents(today=[], tomorrow=[], later=[], earlier=[])
    for event in events:
        day = timezone.localdate(event.starts_at)
        if day == today or event.starts_at <= now <= event.ends_at:
            result.today.append(event)
        elif day == today + timedelta(days=1):
            result.tomorrow.append(event)
        elif event.ends_at < now:
            result.earlier.append(event)
        else:
            result.later.append(event)
    return result


def cash_ups_closed(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    event_id=None,
) -> list[CashUp]:
    """Closed cash-ups, closed in [since, until) and/or of one event, oldest
    first, with their events: the sales report's cash-up lines. One query."""
    qs = CashUp.objects.select_related("event").order_by("closed_at", "pk")
    if since is not None:
        qs = qs.filter(closed_at__gte=since)
    if until is not None:
        qs = qs.filter(closed_at__lt=until)
    if event_id is not None:
        qs = qs.filter(event_id=event_id)
    return list(qs)
