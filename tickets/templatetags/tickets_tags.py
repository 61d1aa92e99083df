from django import template
from django.urls import reverse

from tickets.access import emailed_to, held_ticket_ids, remembered_entry_ids
from tickets.forms import BookingForm, WaitlistForm
from tickets.links import waitlist_offer_url
from tickets.models import Side, WaitingListEntry, WaitlistStatus
from tickets.selectors import seats_left_by_side, side_for_user, ticket_for_holder
from tickets.ticket_state import TicketState
from tickets.ticket_state import ticket_state as state_of

register = template.Library()


@register.simple_tag
def ticket_state(ticket) -> TicketState:
    """{% ticket_state ticket as state %}: what the ticket means now (ticket_state)."""
    return state_of(ticket)


@register.simple_tag(takes_context=True)
def ticket_cta(context, event) -> dict:
    """What the event page offers: the ticket already held, a booking form, or the
    waiting list when sold out."""
    request = context.get("request")
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    # The signed-in member's ticket, or one this browser booked or opened from its
    # emailed link; never a ticket of another browser (tickets.access).
    ticket = ticket_for_holder(
        event=event, user=user, held_ids=held_ticket_ids(session)
    )
    entry = None
    if ticket is None:
        # The signed-in member's place on the list, or one whose emailed link this
        # browser opened (a guest's); leaving is then a link away.
        entries = WaitingListEntry.objects.filter(
            event=event, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        )
        if user is not None and user.is_authenticated:
            entry = entries.filter(user=user).first()
        remembered = remembered_entry_ids(session)
        if entry is None and remembered:
            entry = entries.filter(pk__in=remembered).first()
    sides = seats_left_by_side(event=event)
    my_side = side_for_user(user) if sides and user is not None else ""
    if not sides:
        sold_out = event.is_sold_out
    elif my_side:
        sold_out = sides[my_side] <= 0
    else:
        sold_out = not any(sides.values())
    # Split event, no side from the profile, one side full: they may book the
    # other side or wait for theirs.
    side_full = bool(sides and not my_side and not sold_out and not all(sides.values()))
    return {
        "ticket": ticket,
        "state": state_of(ticket) if ticket is not None else None,
        # Booked here by typing an address, link not opened yet: say where it went.
        "emailed_to": (
            emailed_to(session, event=event)
            if ticket is None and not getattr(user, "is_authenticated", False)
            else ""
        ),
        "entry": entry,
        "leave_url": (
            reverse("tickets:waitlist-leave", kwargs={"event_id": event.pk})
            if entry is not None
            else ""
        ),
        "offer_url": (
            waitlist_offer_url(entry)
            if entry is not None and entry.offer_is_open
            else ""
        ),
        "sold_out": sold_out,
        "sides": [
            {"side": side, "label": Side(side).label, "left": left}
            for side, left in sides.items()
        ],
        "my_side": Side(my_side).label if my_side else "",
        "form": (
            None
            if sold_out or ticket is not None
            else BookingForm(event=event, user=user)
        ),
        "waitlist_form": (
            WaitlistForm(event=event, user=user, auto_id="waitlist_%s")
            if sold_out or side_full
            else None
        ),
    }
