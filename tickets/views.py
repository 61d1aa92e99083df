from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from tickets.models import Ticket


@login_required
def ticket_detail(request, pk):
    # The holder only: anyone else gets a 404, not a hint that the ticket exists.
    ticket = get_object_or_404(
        Ticket.objects.select_related("event"), pk=pk, user=request.user
    )
    return render(request, "tickets/ticket_detail.html", {"ticket": ticket})
