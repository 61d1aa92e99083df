from django import template

from tickets.forms import BookingForm, WaitlistForm
from tickets.models import Side, WaitingListEntry, WaitlistStatus
from tickets.selectors import seats_left_by_side, side_for_user, ticket_for_holder

register = template.Library()


@register.simple_tag(takes_context=True)
def ticket_cta(context, event) -> dict:
    """What the event page offers: the ticket already held, a booking form, or the
    waiting list when sold out."""
    request = context.get("request")
    user = getattr(request, "user", None)
    ticket = ticket_for_holder(event=event, user=user) if user else None
    entry = None
    if ticket is None and user is not None and user.is_authenticated:
        entry = WaitingListEntry.objects.filter(
            event=event,
            user=user,
            status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
        ).first()
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
        "entry": entry,
        "sold_out": sold_out,
        "sides": [
            {"side": side, "label": Side(side).label, "left": left}
            for side, left in sides.items()
        ],
        "my_side": Side(my_side).label if my_side else "",
        "form": None if sold_out else BookingForm(event=event, user=user),
        "waitlist_form": (
            WaitlistForm(event=event, user=user, auto_id="waitlist_%s")
            if sold_out or side_full
            else None
        ),
    }
