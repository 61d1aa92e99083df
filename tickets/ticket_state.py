"""What a ticket means to its holder right now, in one word the ticket page, the
event page and every ticket email agree on.

The stored status alone misleads: a `pending_payment` ticket whose hold ran out
holds nothing until the expiry job marks it (up to a minute later), and a
confirmed pay-at-the-door ticket is valid but still owes money. Only a ticket
that gets its holder in (`admits`) shows a QR code or says "show this at the door".
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from tickets.models import PaymentMethod, Ticket, TicketStatus

VALID = "valid"  # confirmed, nothing left to pay
PAY_AT_DOOR = "pay_at_door"  # confirmed, `due` is paid at the door
CHECKED_IN = "checked_in"
PENDING = "pending"  # unpaid online ticket whose seat is still held
HOLD_EXPIRED = "hold_expired"  # unpaid online ticket whose hold ran out
CANCELLED = "cancelled"
REFUNDED = "refunded"

ZERO = Decimal("0")


@dataclass(frozen=True)
class TicketState:
    code: str
    due: Decimal = ZERO  # still to pay at the door
    hold_until: datetime | None = None  # end of a pending ticket's hold

    @property
    def admits(self) -> bool:
        """The ticket gets its holder in: the QR code and the door instructions."""
        return self.code in (VALID, PAY_AT_DOOR, CHECKED_IN)

    @property
    def pending(self) -> bool:
        return self.code == PENDING

    @property
    def hold_expired(self) -> bool:
        return self.code == HOLD_EXPIRED

    @property
    def ended(self) -> bool:
        return self.code in (HOLD_EXPIRED, CANCELLED, REFUNDED)


def due_at_door(ticket: Ticket) -> Decimal:
    """What the holder still pays at the door (the door's own rule, door.selectors)."""
    if ticket.payment_method != PaymentMethod.DOOR:
        return ZERO
    return max(ticket.amount_due - ticket.amount_collected, ZERO)


def ticket_state(ticket: Ticket, *, now: datetime | None = None) -> TicketState:
    status = ticket.status
    if status == TicketStatus.CHECKED_IN:
        return TicketState(CHECKED_IN)
    if status == TicketStatus.CONFIRMED:
        due = due_at_door(ticket)
        return TicketState(PAY_AT_DOOR, due=due) if due else TicketState(VALID)
    if status == TicketStatus.PENDING_PAYMENT:
        until = ticket.hold_expires_at
        if until is not None and until > (now or timezone.now()):
            return TicketState(PENDING, hold_until=until)
        return TicketState(HOLD_EXPIRED, hold_until=until)
    if status == TicketStatus.EXPIRED:
        return TicketState(HOLD_EXPIRED)
    if status == TicketStatus.REFUNDED:
        return TicketState(REFUNDED)
    return TicketState(CANCELLED)
