"""Who may open a ticket page: its signed-in owner, or a browser that followed the
signed link from the email (or booked it signed in, or from a waiting-list offer's
emailed link). Everyone else gets a 404. Someone who only typed an email address is
never given the ticket: anyone can type anyone's address."""

from django.utils.translation import gettext as _

from tickets.models import Ticket

SESSION_KEY = "tickets_held"
# Events this browser booked by typing an address: {event id: the address typed}.
EMAILED_SESSION_KEY = "tickets_emailed"
# Waiting-list entries this browser reached from their emailed link (a guest's).
WAITLIST_SESSION_KEY = "tickets_waitlist"
MAX_REMEMBERED = 50


def remember_ticket(request, ticket: Ticket) -> None:
    held = [t for t in request.session.get(SESSION_KEY, []) if t != str(ticket.pk)]
    held.append(str(ticket.pk))
    request.session[SESSION_KEY] = held[-MAX_REMEMBERED:]
    emailed = request.session.get(EMAILED_SESSION_KEY, {})
    if str(ticket.event_id) in emailed:  # the link was opened: no more "check email"
        emailed = {k: v for k, v in emailed.items() if k != str(ticket.event_id)}
        request.session[EMAILED_SESSION_KEY] = emailed


def remember_waitlist_entry(request, entry) -> None:
    """This browser opened `entry`'s emailed link: the event page then shows that
    it is on the list and lets it leave, as for a signed-in member."""
    kept = request.session.get(WAITLIST_SESSION_KEY, [])
    kept = [e for e in kept if e != str(entry.pk)]
    kept.append(str(entry.pk))
    request.session[WAITLIST_SESSION_KEY] = kept[-MAX_REMEMBERED:]


def remembered_entry_ids(session) -> list[str]:
    """The waiting-list entries this browser reached from their emailed links."""
    return list(session.get(WAITLIST_SESSION_KEY, [])) if session is not None else []


def held_ticket_ids(session) -> list[str]:
    """The tickets this browser booked or opened from their emailed link."""
    return list(session.get(SESSION_KEY, [])) if session is not None else []


def remember_emailed(request, *, event, email: str) -> None:
    """This browser booked `event` by typing `email`: the event page then says where
    the ticket went instead of offering an empty form again. Only what this browser
    typed is kept, whatever the booking found, so it tells nobody anything new."""
    emailed = dict(request.session.get(EMAILED_SESSION_KEY, {}))
    emailed.pop(str(event.pk), None)
    emailed[str(event.pk)] = email
    request.session[EMAILED_SESSION_KEY] = dict(list(emailed.items())[-MAX_REMEMBERED:])


def emailed_to(session, *, event) -> str:
    """The address this browser had `event`'s ticket emailed to, or ""."""
    if session is None:
        return ""
    return session.get(EMAILED_SESSION_KEY, {}).get(str(event.pk), "")


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
