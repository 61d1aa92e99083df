"""Reads about seats, tickets and attendees that pages, API and admin share.

Seats held = confirmed + checked in + unexpired pending tickets + open waiting-list
offers (an offered seat is kept for the person it was offered to).
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from community.languages import native_languages
from events.models import EventStatus
from payments.models import PayableRef, Payment, PaymentStatus, Provider
from tickets.models import (
    Side,
    Ticket,
    TicketStatus,
    WaitingListEntry,
    WaitlistStatus,
)

SIDES = (Side.ES, Side.EN)
# What a ticket is called in payments (Payment.payable_kind; tickets/payables.py).
PAYABLE_KIND = "ticket"


def seats_held(*, event, exclude_offer=None) -> int:
    tickets = Ticket.objects.filter(event=event).holding_seats().count()
    offers = WaitingListEntry.objects.filter(event=event).open_offers()
    if exclude_offer is not None:
        offers = offers.exclude(pk=exclude_offer.pk)
    return tickets + offers.count()


# --- Language balance ----------------------------------------------------------------
#
# A split event keeps `seats_es_native` seats for native Spanish speakers and
# `seats_en_native` for native English speakers; the rest of the capacity is a
# flexible share. A side uses its own seats first and then the flexible share, so
# "flexible used" = each side's overflow past its own seats + seats held without a
# side (booked before the split was set). Held seats include open waiting-list
# offers, on the side of the person offered.


def held_by_side(*, event, exclude_offer=None, exclude_ticket=None) -> dict[str, int]:
    """Seats held per side ("es", "en", and "" for no side), in one query (run
    under the event lock by every booking: one round trip, not two)."""
    held = {Side.ES.value: 0, Side.EN.value: 0, "": 0}
    tickets = Ticket.objects.filter(event=event).holding_seats()
    if exclude_ticket is not None:
        tickets = tickets.exclude(pk=exclude_ticket.pk)
    offers = WaitingListEntry.objects.filter(event=event).open_offers()
    if exclude_offer is not None:
        offers = offers.exclude(pk=exclude_offer.pk)
    per_side = [
        qs.order_by().values("side").annotate(n=Count("pk")) for qs in (tickets, offers)
    ]
    for row in per_side[0].union(per_side[1], all=True).order_by():
        held[row["side"]] = held.get(row["side"], 0) + row["n"]
    return held


def flexible_used(*, event, held: dict[str, int]) -> int:
    quotas = {Side.ES: event.seats_es_native, Side.EN: event.seats_en_native}
    overflow = sum(max(held.get(side, 0) - quotas[side], 0) for side in SIDES)
    return overflow + held.get("", 0)


def room_for_side(*, event, held: dict[str, int], side: str) -> int:
    """Seats a booking on `side` may still take, given the seats `held`.

    Not split: the seats left in the one pool (`side` is ignored). Split: the
    side's own free seats plus the free flexible share, never past the capacity.
    A booking without a side on a split event may use the flexible share only.
    """
    total_free = event.capacity - sum(held.values())
    if not event.is_language_split:
        return max(total_free, 0)
    quotas = {Side.ES: event.seats_es_native, Side.EN: event.seats_en_native}
    own_free = max(quotas[side] - held.get(side, 0), 0) if side in quotas else 0
    flex_free = max(event.seats_flexible - flexible_used(event=event, held=held), 0)
    return max(min(total_free, own_free + flex_free), 0)


def side_for_user(user) -> str:
    """The side a member's profile puts them on: native in exactly one of Spanish
    and English. Native in both or neither (or no profile): "" — they choose."""
    natives = native_languages(user) & {Side.ES.value, Side.EN.value}
    return natives.pop() if len(natives) == 1 else ""


def seats_left_by_side(*, event) -> dict[str, int]:
    """{"es": n, "en": n} for a split event (what the event page shows), else {}."""
    if not event.is_language_split:
        return {}
    held = held_by_side(event=event)
    return {side: room_for_side(event=event, held=held, side=side) for side in SIDES}


def event_balance(*, event) -> dict:
    """The language balance of an event, for the door and the admin (2 queries).

    {
      "split": bool,
      "capacity": int, "held": int, "checked_in": int, "left": int,   # whole event
      "sides": [   # empty when not split
        {"side": "es", "label": "Native Spanish speakers",
         "capacity": int,    # seats kept for this side
         "held": int,        # seats this side holds (own seats + flexible used)
         "checked_in": int,  # people of this side checked in
         "left": int},       # seats this side may still book (own + flexible)
        {"side": "en", ...},
      ],
      "flexible": {"capacity": int, "used": int, "left": int} | None,
    }
    """
    held = held_by_side(event=event)
    checked = dict(
        Ticket.objects.filter(event=event, status=TicketStatus.CHECKED_IN)
        .order_by()
        .values_list("side")
        .annotate(n=Count("pk"))
    )
    total_held = sum(held.values())
    balance = {
        "split": event.is_language_split,
        "capacity": event.capacity,
        "held": total_held,
        "checked_in": sum(checked.values()),
        "left": max(event.capacity - total_held, 0),
        "sides": [],
        "flexible": None,
    }
    if not event.is_language_split:
        return balance
    quotas = {Side.ES: event.seats_es_native, Side.EN: event.seats_en_native}
    for side in SIDES:
        balance["sides"].append(
            {
                "side": side.value,
                "label": str(side.label),
                "capacity": quotas[side],
                "held": held[side],
                "checked_in": checked.get(side.value, 0),
                "left": room_for_side(event=event, held=held, side=side),
            }
        )
    used = flexible_used(event=event, held=held)
    flex_left = min(max(event.seats_flexible - used, 0), balance["left"])
    balance["flexible"] = {
        "capacity": event.seats_flexible,
        "used": used,
        "left": flex_left,
    }
    return balance


def seats_left(*, event) -> int:
    return max(event.capacity - seats_held(event=event), 0)


def _count_subquery(qs: QuerySet) -> Subquery:
    return Subquery(
        qs.order_by().values("event").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def with_seats_held(queryset: QuerySet) -> QuerySet:
    """Annotate events with `seats_held_count` in the same query (no N+1)."""
    now = timezone.now()
    held = Ticket.objects.filter(event=OuterRef("pk")).filter(
        Q(status__in=[TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN])
        | Q(status=TicketStatus.PENDING_PAYMENT, hold_expires_at__gt=now)
    )
    offers = WaitingListEntry.objects.filter(
        event=OuterRef("pk"), status=WaitlistStatus.OFFERED, offer_expires_at__gt=now
    )
    return queryset.annotate(
        seats_held_count=Coalesce(_count_subquery(held), Value(0))
        + Coalesce(_count_subquery(offers), Value(0))
    )


def with_side_counts(queryset: QuerySet) -> QuerySet:
    """Annotate events with `held_es` and `held_en` (seats held per language side,
    open offers included) in the same query: the admin list's balance column."""
    now = timezone.now()
    annotations = {}
    for side in SIDES:
        held = Ticket.objects.filter(event=OuterRef("pk"), side=side).filter(
            Q(status__in=[TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN])
            | Q(status=TicketStatus.PENDING_PAYMENT, hold_expires_at__gt=now)
        )
        offers = WaitingListEntry.objects.filter(
            event=OuterRef("pk"),
            side=side,
            status=WaitlistStatus.OFFERED,
            offer_expires_at__gt=now,
        )
        annotations[f"held_{side.value}"] = Coalesce(
            _count_subquery(held), Value(0)
        ) + Coalesce(_count_subquery(offers), Value(0))
    return queryset.annotate(**annotations)


def ticket_for_holder(*, event, user, held_ids=()) -> Ticket | None:
    """The ticket this visitor has for the event: the signed-in person's own, or one
    this browser booked or opened from its emailed link (`held_ids`, the session's
    list: tickets.access). Only a ticket that still holds a seat counts: a
    cancelled ticket or an unpaid hold that ran out does not. One query, none for
    a visitor with neither."""
    who = Q(user=user) if getattr(user, "is_authenticated", False) else Q()
    if held_ids:
        who |= Q(pk__in=list(held_ids))
    if not who:
        return None
    return (
        Ticket.objects.holding_seats()
        .filter(who, event=event)
        .order_by("-created_at")
        .first()
    )


def checkin_counts(*, event) -> dict:
    """Checked in / expected (expected = every seat-holding ticket)."""
    counts = Ticket.objects.filter(event=event).aggregate(
        checked_in=Count("pk", filter=Q(status=TicketStatus.CHECKED_IN)),
        expected=Count(
            "pk",
            filter=Q(status__in=[TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN])
            | Q(
                status=TicketStatus.PENDING_PAYMENT,
                hold_expires_at__gt=timezone.now(),
            ),
        ),
    )
    return counts


def tickets_search(*, event, query: str, limit: int = 20) -> QuerySet[Ticket]:
    """Door fallback: find tickets of this event by name, email or code."""
    query = (query or "").strip()
    if len(query) < 2:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(event=event)
        .filter(
            Q(attendee_name__icontains=query)
            | Q(attendee_email__icontains=query)
            | Q(code__icontains=query.replace("-", "").upper())
        )
        .select_related("checked_in_by")
        .order_by("attendee_name")[:limit]
    )


def amount_paid_subquery() -> Coalesce:
    """Money received for each ticket: succeeded payments minus what was refunded."""
    money = DecimalField(max_digits=12, decimal_places=2)
    paid = (
        Payment.objects.filter(
            payable_kind=PAYABLE_KIND,
            payable_id=PayableRef(OuterRef("pk")),
            status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED],
        )
        .order_by()
        .values("payable_id")
        .annotate(
            total=Sum(
                ExpressionWrapper(
                    F("amount") - F("refunded_amount"), output_field=money
                )
            )
        )
        .values("total")
    )
    return Coalesce(
        Subquery(paid, output_field=money), Value(Decimal("0")), output_field=money
    )


def ticket_payments(*, ticket) -> QuerySet[Payment]:
    """The payments of one ticket (payments.payables: kind "ticket")."""
    return Payment.objects.of(PAYABLE_KIND, ticket.pk)


def ticket_refundable_payment(*, ticket) -> Payment | None:
    """The ticket's first online payment that still holds money, if any."""
    return (
        ticket_payments(ticket=ticket)
        .filter(status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED])
        .exclude(provider=Provider.CASH)
        .order_by("created_at")
        .first()
    )


def tickets_paid(ticket_ids) -> set[str]:
    """The ids (as text) of those tickets that have a succeeded payment."""
    return set(
        Payment.objects.of_many(PAYABLE_KIND, ticket_ids)
        .filter(status=PaymentStatus.SUCCEEDED)
        .values_list("payable_id", flat=True)
    )


def attendees_for_export(*, event) -> QuerySet:
    """One row per ticket with everything the attendee list shows, in one query."""
    return (
        Ticket.objects.filter(event=event)
        .annotate(amount_paid=amount_paid_subquery())
        .order_by("attendee_name", "created_at")
        .values_list(
            "attendee_name",
            "attendee_email",
            "user__phone",
            "status",
            "amount_paid",
            "payment_method",
            "checkin_at",
            "code",
        )
    )


# --- Back office --------------------------------------------------------------------

# Tickets that count as sold: paid or free, still held (checked in included).
SOLD_STATUSES = (TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN)


def with_ticket_counts(queryset: QuerySet) -> QuerySet:
    """Annotate events with `sold_count` (confirmed + checked in),
    `checked_in_count` and `waiting_count` (people still waiting for a seat) in
    the same query: the back office's dashboard."""
    sold = Ticket.objects.filter(event=OuterRef("pk"), status__in=SOLD_STATUSES)
    checked_in = Ticket.objects.filter(
        event=OuterRef("pk"), status=TicketStatus.CHECKED_IN
    )
    waiting = WaitingListEntry.objects.filter(
        event=OuterRef("pk"), status=WaitlistStatus.WAITING
    )
    return queryset.annotate(
        sold_count=Coalesce(_count_subquery(sold), Value(0)),
        checked_in_count=Coalesce(_count_subquery(checked_in), Value(0)),
        waiting_count=Coalesce(_count_subquery(waiting), Value(0)),
    )


def sales_per_day(*, event_ids) -> dict[str, list[tuple]]:
    """Tickets sold (still confirmed or checked in) per local booking day, for
    each event of `event_ids`: {str(event id): [(date, count), …]} oldest first.
    One query, whatever the number of events."""
    found: dict[str, list[tuple]] = {str(pk): [] for pk in event_ids}
    rows = (
        Ticket.objects.filter(event_id__in=list(event_ids), status__in=SOLD_STATUSES)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("event_id", "day")
        .annotate(n=Count("pk"))
        .order_by("event_id", "day")
    )
    for row in rows:
        found.setdefault(str(row["event_id"]), []).append((row["day"], row["n"]))
    return found


# --- No-shows ------------------------------------------------------------------------


def _counted_no_shows(*, now) -> QuerySet[Ticket]:
    # Same rule as Ticket.is_no_show: only tickets their holder took up count.
    qs = Ticket.objects.filter(
        status=TicketStatus.CONFIRMED,
        event__ends_at__lt=now,
        holder_confirmed_at__isnull=False,
    ).exclude(event__status=EventStatus.CANCELLED)
    if settings.NO_SHOW_WINDOW_DAYS:
        qs = qs.filter(
            event__ends_at__gte=now - timedelta(days=settings.NO_SHOW_WINDOW_DAYS)
        )
    return qs


def no_shows(*, user, now=None) -> QuerySet[Ticket]:
    """Tickets `user` held (confirmed) for an event that has ended without being
    checked in, within the last NO_SHOW_WINDOW_DAYS. Cancelled events don't count,
    nor tickets the holder never took up (booked by someone typing their email and
    never opened from the emailed link)."""
    return _counted_no_shows(now=now or timezone.now()).filter(user=user)


def with_no_show_count(users: QuerySet, *, now=None) -> QuerySet:
    """Annotate users with `no_show_count` (same rule as `no_shows`) in the same
    query: the admin's user list shows it without a query per row."""
    counted = (
        _counted_no_shows(now=now or timezone.now())
        .filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return users.annotate(
        no_show_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    )


def no_shows_counted_in(tickets, *, now=None) -> int:
    """The no-shows the rule counts among already-loaded tickets (event selected):
    no query. Same rule as `no_shows`."""
    now = now or timezone.now()
    window = settings.NO_SHOW_WINDOW_DAYS
    since = now - timedelta(days=window) if window else None
    return sum(
        1
        for t in tickets
        if t.is_no_show and (since is None or t.event.ends_at >= since)
    )


def no_show_count(*, user, now=None) -> int:
    if not getattr(user, "pk", None):
        return 0
    return no_shows(user=user, now=now).count()


def pays_ahead(user, *, no_shows: int | None = None) -> bool:
    """True when `user` has reached NO_SHOW_LIMIT no-shows (0 = rule off): they
    may not pay at the door (online or a pass only; free events stay open).
    Pass `no_shows` when already counted."""
    limit = settings.NO_SHOW_LIMIT
    if not limit:
        return False
    if no_shows is None:
        no_shows = no_show_count(user=user)
    return no_shows >= limit
