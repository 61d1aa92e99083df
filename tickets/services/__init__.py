"""Writes on seats, split by topic; every public name is re-exported here, so
callers keep writing `from tickets import services` / `services.ticket_book(...)`.

- seats.py     the event-row lock, the seats held under it, a side's room, the side
               chosen, SoldOut
- booking.py   ticket_book, ticket_holder_confirm, ticket_confirm_payment
- cancel.py    ticket_cancel (by staff, holder, refund), ticket_release, expiry
- waitlist.py  waitlist_join, waitlist_leave, waitlist_offer_next, waitlist_expire_offers
- checkin.py   ticket_check_in and its outcomes
- tables.py    tables_assign, table_seat_move
"""

from tickets.services.booking import (
    ticket_book,
    ticket_confirm_payment,
    ticket_holder_confirm,
)
from tickets.services.cancel import (
    ReleaseResult,
    refund_cutoff,
    ticket_cancel,
    ticket_cancel_by_holder,
    ticket_holder_may_cancel,
    ticket_may_release,
    ticket_release,
    tickets_expire_stale,
)
from tickets.services.checkin import (
    CheckinCash,
    CheckinOutcome,
    CheckinResult,
    CheckinUndoRefused,
    ticket_check_in,
    ticket_check_in_undo,
)
from tickets.services.seats import ENDED_STATUSES, RESEND_SECONDS, SoldOut
from tickets.services.tables import table_seat_move, tables_assign
from tickets.services.waitlist import (
    waitlist_expire_offers,
    waitlist_join,
    waitlist_leave,
    waitlist_offer_next,
)

__all__ = [
    "CheckinCash",
    "ENDED_STATUSES",
    "RESEND_SECONDS",
    "CheckinOutcome",
    "CheckinResult",
    "ReleaseResult",
    "SoldOut",
    "refund_cutoff",
    "table_seat_move",
    "tables_assign",
    "ticket_book",
    "ticket_cancel",
    "ticket_cancel_by_holder",
    "ticket_check_in",
    "ticket_check_in_undo",
    "CheckinUndoRefused",
    "ticket_confirm_payment",
    "ticket_holder_confirm",
    "ticket_holder_may_cancel",
    "ticket_may_release",
    "ticket_release",
    "tickets_expire_stale",
    "waitlist_expire_offers",
    "waitlist_join",
    "waitlist_leave",
    "waitlist_offer_next",
]
