"""Transactional emails other apps ask for. Each call queues one email per recipient
(in the recipient's language, HTML and plain text) after the surrounding transaction
commits, so a rolled-back booking never sends mail.

The emails work owns the implementation; until it lands these are no-ops.
"""


def notify_ticket_confirmed(ticket) -> None:
    """Booking confirmation: QR ticket, link to the ticket page, .ics attached."""


def notify_payment_receipt(payment) -> None:
    """Receipt for a succeeded online or cash payment."""


def notify_refund(payment, amount) -> None:
    """A refund was issued (full or partial)."""


def notify_waitlist_offer(entry) -> None:
    """A seat freed up: time-limited link for the waiting-list entry."""


def notify_event_changed(event, changed_fields) -> None:
    """Date, time or place changed: tell every ticket holder."""


def notify_event_cancelled(event) -> None:
    """Event cancelled: tell every ticket holder."""
