"""Shared pieces of the seat services: the event-row lock, the seats a side may
take, the side a person books on, and the sold-out error.

Seats are counted from ticket rows (never a counter that can drift). Every write
that competes for seats locks the event row first, so two bookings for the last
seat serialise: on PostgreSQL through SELECT … FOR UPDATE, on SQLite because a
write transaction takes the database lock at BEGIN (transaction_mode IMMEDIATE).
Lock order is always event, then ticket, then waiting-list entry: no deadlocks.
"""

from django.utils.translation import gettext as _

from events.models import Event
from spanglish.errors import ConflictError
from tickets.models import Side, TicketStatus
from tickets.selectors import held_by_side, room_for_side, side_for_user

ENDED_STATUSES = (TicketStatus.CANCELLED, TicketStatus.REFUNDED, TicketStatus.EXPIRED)
# A booking by email for an address that already holds a ticket re-sends its link at
# most this often, so the form cannot be used to flood someone's inbox.
RESEND_SECONDS = 600


class SoldOut(ConflictError):
    code = "sold_out"


def lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def seat_room(event: Event, side: str, *, exclude_offer=None) -> int:
    """Seats a booking on `side` may take (the whole pool when not split)."""
    held = held_by_side(event=event, exclude_offer=exclude_offer)
    return room_for_side(event=event, held=held, side=side)


def side_choose(event: Event, user, requested: str = "") -> str:
    """The side a person books on at a split event ("" when not split).

    Native in exactly one of Spanish and English: that side (the profile wins over
    a requested side). Native in both, neither, or no profile: the side they asked
    for; when they asked for none, the side with more seats left (Spanish on a tie).
    """
    if not event.is_language_split:
        return ""
    side = side_for_user(user) if user is not None else ""  # None: a newcomer
    if side:
        return side
    if requested in Side.values:
        return requested
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
