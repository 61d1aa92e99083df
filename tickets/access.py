"""Who may open a ticket page: its signed-in owner, or a browser that followed the
signed link from the email (or booked it signed in, or from a waiting-list offer's
emailed link). Everyone else gets a 404. Someone who only typed an email address is
never given the ticket: anyone can type anyone's address."""

from django.utils.translation import gettext as _

from tickets.models import Ticket

SESSION_KEY = "tickets_held"
MAX_REMEMBERED = 50


def remember_ticket(request, ticket: Ticket) -> None:
    held = [t for t in request.session.get(SESSION_KEY, []) if t != str(ticket.pk)]
    held.append(str(ticket.pk))
    request.session[SESSION_KEY] = held[-MAX_REMEMBERED:]


def session_holds(request, ticket: Ticket) -> bool:
    return holds_ticket(user=None, session=request.session, ticket=ticket)


def holds_ticket(*, user, session, ticket: Ticket) -> bool:
    """The ticket's signed-in owner, or a session that booked or opened it."""
    if user is not None and user.is_authenticated and ticket.user_id == user.pk:
        return True
    if session is None:
        return False
    return str(ticket.pk) in {str(t) for t in session.get(SESSION_KEY, [])}


def may_access_ticket(request, ticket: Ticket) -> bool:
    return holds_ticket(user=request.user, session=request.session, ticket=ticket)


def booked_by_email_message(email: str) -> str:
    """The one answer to every anonymous booking that went through, whether the
    address was new, already held a ticket or must pay ahead (site and API alike),
    so the answer tells a stranger nothing about the address's owner."""
    return _(
        "Check your email: we have sent the ticket to %(email)s. Open the link in "
        "it to see your ticket (and to pay, if you chose to pay online)."
    ) % {"email": email}
