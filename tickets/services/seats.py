"""Shared pieces of the seat services: the event-row lock, the count of seats held
under it, the seats a side may take, the side a person books on, and the sold-out
error.

Seats are counted from ticket rows (never a counter that can drift). Every write
that competes for seats locks the event row before it counts, so two bookings for
the last seat serialise: on PostgreSQL through SELECT … FOR NO KEY UPDATE, on
SQLite because a write transaction takes the database lock at BEGIN
(transaction_mode IMMEDIATE). A booking inserts its own new ticket before it takes
the lock (nobody else sees it before the commit) and leaves it out of the count.
Lock order is always event, then existing ticket, then waiting-list entry: no
deadlocks.
"""

import functools

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event
from spanglish.errors import ConflictError
from spanglish.rows import column_list, model_from_row
from tickets.models import (
    Side,
    Ticket,
    TicketStatus,
    WaitingListEntry,
    WaitlistStatus,
)
from tickets.selectors import held_by_side, room_for_side, side_for_user

ENDED_STATUSES = (TicketStatus.CANCELLED, TicketStatus.REFUNDED, TicketStatus.EXPIRED)
# A booking by email for an address that already holds a ticket re-sends its link at
# most this often, so the form cannot be used to flood someone's inbox.
RESEND_SECONDS = 600


class SoldOut(ConflictError):
    code = "sold_out"


def lock_event(event: Event) -> Event:
    """The event row, locked until the transaction ends: every seat write takes it.

    FOR NO KEY UPDATE (what PostgreSQL's own UPDATE of the row's other columns
    takes), not FOR UPDATE: it serialises the seat writers just the same and waits
    for anyone editing the event, but not the rows that merely point at the event
    (a new ticket or waiting-list entry: their foreign-key check takes FOR KEY
    SHARE when they commit)."""
    return Event.objects.select_for_update(no_key=True).get(pk=event.pk)


# What selectors.held_by_side counts (TicketQuerySet.holding_seats() and
# WaitingListEntryQuerySet.open_offers(), per side), as one plain statement: every
# booking runs it under the event lock, where building the ORM's union of two
# grouped querysets cost a dozen times its CPU. tests/test_booking_path.py checks
# that both count the same.
HELD_SQL = """
    SELECT side, COUNT(*) FROM tickets_ticket
    WHERE event_id = %(event)s AND (%(ticket)s IS NULL OR id <> %(ticket)s)
      AND (status IN (%(confirmed)s, %(checked_in)s)
           OR (status = %(pending)s AND hold_expires_at > %(now)s))
    GROUP BY side
    UNION ALL
    SELECT side, COUNT(*) FROM tickets_waitinglistentry
    WHERE event_id = %(event)s AND (%(offer)s IS NULL OR id <> %(offer)s)
      AND status = %(offered)s AND offer_expires_at > %(now)s
    GROUP BY side
"""


def held_now(
    *,
    event: Event,
    exclude_offer: WaitingListEntry | None = None,
    exclude_ticket: Ticket | None = None,
) -> dict[str, int]:
    """Seats held per side ("es", "en", "" for none) by tickets and open offers,
    leaving out one ticket (a booking's own, inserted before the lock) or one
    offer (the one being taken up). For use under the event lock: HELD_SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            HELD_SQL,
            _held_params(
                event, exclude_offer=exclude_offer, exclude_ticket=exclude_ticket
            ),
        )
        return _held(cursor.fetchall())


def _db(field, value):  # the value as this database stores it (UUID, datetime)
    return None if value is None else field.get_db_prep_value(value, connection)


def _held_params(event, *, exclude_offer=None, exclude_ticket=None) -> dict:
    uuid_field = Ticket._meta.pk
    return {
        "event": _db(uuid_field, event.pk),
        "ticket": _db(uuid_field, getattr(exclude_ticket, "pk", None)),
        "offer": _db(uuid_field, getattr(exclude_offer, "pk", None)),
        "confirmed": TicketStatus.CONFIRMED.value,
        "checked_in": TicketStatus.CHECKED_IN.value,
        "pending": TicketStatus.PENDING_PAYMENT.value,
        "offered": WaitlistStatus.OFFERED.value,
        "now": _db(Ticket._meta.get_field("hold_expires_at"), timezone.now()),
    }


def _held(rows) -> dict[str, int]:
    held = {Side.ES.value: 0, Side.EN.value: 0, "": 0}
    for side, n in rows:
        held[side] = held.get(side, 0) + n
    return held


def lock_event_counting_held(
    event: Event, *, exclude_ticket: Ticket | None = None
) -> tuple[Event, dict[str, int]]:
    """lock_event, then held_now: the locked event and the seats held on it.

    On PostgreSQL both statements go to the server in one round trip (psycopg's
    pipeline mode). A booking holds the event lock from the moment it is granted
    until its commit, so every pause of the holder's thread between its statements
    stops every other booking of the event: under load that thread waits for a
    core, and for its worker's GIL, before it can send the count. The count is
    still a statement of its own, run after the lock is granted, so in READ
    COMMITTED its snapshot sees every seat the previous holder committed
    (tests/test_booking_concurrency.py). Its clock is read before the lock is
    awaited: a hold that runs out meanwhile still counts, the safe side."""
    if connection.vendor != "postgresql":
        locked = lock_event(event)
        return locked, held_now(event=locked, exclude_ticket=exclude_ticket)
    params = _held_params(event, exclude_ticket=exclude_ticket)
    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        connection.cursor() as lock,
        connection.cursor() as count,
    ):
        # Leaving the pipeline sends both statements and a Sync, and waits for
        # both results: reading a result inside it would cost a second round trip.
        with connection.connection.pipeline():
            lock.execute(_lock_event_sql(), [_db(Event._meta.pk, event.pk)])
            count.execute(HELD_SQL, params)
        row = lock.fetchone()
        rows = count.fetchall()
    if row is None:
        raise Event.DoesNotExist("Event matching query does not exist.")
    return model_from_row(Event, Event._meta.concrete_fields, row), _held(rows)


@functools.cache  # PostgreSQL's only (see lock_event_counting_held)
def _lock_event_sql() -> str:
    """lock_event's statement: every column of the event, FOR NO KEY UPDATE."""
    quote = connection.ops.quote_name
    meta = Event._meta
    columns = column_list(meta.concrete_fields)
    return (
        # Names from the model, quoted; the id is a parameter.
        f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s FOR NO KEY UPDATE"
    )


def seat_room(event: Event, side: str, *, exclude_offer=None) -> int:
    """Seats a booking on `side` may take (the whole pool when not split)."""
    held = held_by_side(event=event, exclude_offer=exclude_offer)
    return room_for_side(event=event, held=held, side=side)


def side_wanted(event: Event, user, requested: str = "") -> str:
    """The side a person's profile or request settles at a split event ("" when
    neither does, or the event is not split): native in exactly one of Spanish and
    English, that side (the profile wins over a requested side); else the side they
    asked for."""
    if not event.is_language_split:
        return ""
    side = side_for_user(user) if user is not None else ""  # None: a newcomer
    if side:
        return side
    return requested if requested in Side.values else ""


def side_choose(
    event: Event, user, requested: str = "", *, held: dict[str, int] | None = None
) -> str:
    """The side a person books on at a split event ("" when not split): the side
    their profile or request settles (side_wanted); when neither, the side with
    more seats left (Spanish on a tie), from `held` when the caller counted them."""
    side = side_wanted(event, user, requested)
    if side or not event.is_language_split:
        return side
    if held is None:
        held = held_by_side(event=event)
    es = room_for_side(event=event, held=held, side=Side.ES)
    en = room_for_side(event=event, held=held, side=Side.EN)
    return Side.EN if en > es else Side.ES


def sold_out(event: Event, side: str) -> SoldOut:
    if side == Side.ES:
        return SoldOut(_("Sorry, no seats are left for native Spanish speakers."))
    if side == Side.EN:
        return SoldOut(_("Sorry, no seats are left for native English speakers."))
    return SoldOut(_("Sorry, this event is sold out."))
