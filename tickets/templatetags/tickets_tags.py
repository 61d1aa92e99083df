from django import template

from tickets.forms import BookingForm, WaitlistForm
from tickets.models import WaitingListEntry, WaitlistStatus
from tickets.selectors import ticket_for_holder

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
    sold_out = event.is_sold_out
    return {
        "ticket": ticket,
        "entry": entry,
        "sold_out": sold_out,
        "form": None if sold_out else BookingForm(event=event, user=user),
        "waitlist_form": WaitlistForm(user=user) if sold_out else None,
    }
