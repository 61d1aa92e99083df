"""Leaving the waiting list, from the event page (a signed-in member, or a browser
that opened the entry's emailed link) and from the link in the waiting-list emails.

Opening a page changes nothing (mail scanners open links): each asks first, and its
form POSTs (CSRF-protected) to leave (services.waitlist_leave)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.models import Event
from tickets import services
from tickets.access import remember_waitlist_entry, remembered_entry_ids
from tickets.links import entry_id_from_leave_token
from tickets.models import WaitingListEntry, WaitlistStatus
from tickets.services.waitlist import OPEN_STATUSES


def _page(request, *, entry, event, action: str, status: int = 200):
    return render(
        request,
        "tickets/waitlist_leave.html",
        {
            "entry": entry,
            "event": event,
            "action": action,
            "open": entry is not None and entry.status in OPEN_STATUSES,
        },
        status=status,
    )


def _leave(request, entry: WaitingListEntry, *, via: str):
    entry, left = services.waitlist_leave(
        entry=entry,
        actor=request.user if request.user.is_authenticated else None,
        via=via,
    )
    if left:
        messages.success(
            request,
            _(
                "You have left the waiting list. You can join it again while the "
                "event is full."
            ),
        )
    elif entry.status == WaitlistStatus.BOOKED:
        messages.info(
            request,
            _(
                "You booked a ticket from the waiting list: cancel the ticket to "
                "give the seat back."
            ),
        )
    else:
        messages.info(request, _("You are not on the waiting list any more."))
    return redirect(entry.event)


def _own_entry(request, event: Event) -> WaitingListEntry | None:
    """The open entry on `event`'s list of this signed-in member, or of an entry
    whose emailed link this browser opened; nobody else's."""
    entries = WaitingListEntry.objects.filter(event=event, status__in=OPEN_STATUSES)
    if request.user.is_authenticated:
        mine = entries.filter(user=request.user).first()
        if mine is not None:
            return mine
    remembered = remembered_entry_ids(request.session)
    return entries.filter(pk__in=remembered).first() if remembered else None


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_leave(request, event_id):
    """The event page's "leave it": asks, then (POST) leaves. A visitor with no
    entry on this list is told so; a second POST changes nothing."""
    event = get_object_or_404(Event.objects.published(), pk=event_id)
    entry = _own_entry(request, event)
    action = reverse("tickets:waitlist-leave", kwargs={"event_id": event.pk})
    if request.method == "GET":
        return _page(
            request,
            entry=entry,
            event=event,
            action=action,
            status=200 if entry else 404,
        )
    if entry is None:
        messages.info(request, _("You are not on the waiting list any more."))
        return redirect(event)
    return _leave(request, entry, via="event_page")


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_leave_link(request, token):
    """The link in the waiting-list emails: whoever holds it may leave that one
    entry (it was sent to its address). A forged, altered or expired link is a
    404 that says so."""
    entry_id = entry_id_from_leave_token(token)
    entry = (
        WaitingListEntry.objects.select_related("event").filter(pk=entry_id).first()
        if entry_id
        else None
    )
    if entry is None:
        return render(
            request, "tickets/waitlist_leave.html", {"invalid": True}, status=404
        )
    # The event page then shows this browser the entry, with its "leave it".
    remember_waitlist_entry(request, entry)
    if request.method == "GET":
        action = reverse("tickets:waitlist-leave-link", kwargs={"token": token})
        return _page(request, entry=entry, event=entry.event, action=action)
    return _leave(request, entry, via="email_link")
