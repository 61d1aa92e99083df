"""Who may open a ticket page: its signed-in owner, or the browser that booked it or
followed the signed link from the email. Everyone else gets a 404."""

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
