"""Staff pages: door check-in (volunteers, organizers, admins) and attendee exports
(organizers, admins). Anonymous visitors are sent to sign in; members get a 403.

Mounted by spanglish/urls.py under /<lang>/tickets/ in the "tickets" URL namespace
(door/checkin_urls.py): their paths and names predate the door app."""

from datetime import timedelta

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from community.decorators import door_staff_required, organizer_required
from door.forms import WalkinForm
from events.models import Event, EventStatus
from tickets import exports, selectors, services
from tickets.forms import CheckinCodeForm
from tickets.selectors import checkin_counts, tickets_search


def _door_events():
    """Events a door could be open for: from yesterday on, soonest first."""
    since = timezone.now() - timedelta(days=1)
    return Event.objects.filter(
        status__in=[EventStatus.PUBLISHED, EventStatus.COMPLETED], ends_at__gte=since
    ).order_by("starts_at")


@never_cache
@require_GET
@door_staff_required
def door_index(request):
    return render(request, "door/door_index.html", {"events": _door_events()[:50]})


def _result_payload(result: services.CheckinResult, event) -> dict:
    ticket = result.ticket
    return {
        "outcome": result.outcome,
        "ok": result.ok,
        "message": result.message,
        "name": (ticket.attendee_name or ticket.attendee_email) if ticket else "",
        "collect": str(result.collect) if result.collect else "",
        "currency": event.currency,
        **checkin_counts(event=event),
    }


def _balance(event) -> dict | None:
    """Seats per language side when the event is split (None otherwise)."""
    event_balance = getattr(selectors, "event_balance", None)
    if event_balance is None:
        return None
    balance = event_balance(event=event)
    if not balance.get("split") or not balance.get("sides"):
        return None
    return balance


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@never_cache
@require_http_methods(["GET", "POST"])
@door_staff_required
def door_event(request, event_id):
    """Scan (camera, JS), type a code, or search by name or email. Works without JS."""
    event = get_object_or_404(Event, pk=event_id)
    form = CheckinCodeForm(request.POST if request.method == "POST" else None)
    result = None
    if request.method == "POST":
        if form.is_valid():
            result = services.ticket_check_in(
                code=form.cleaned_data["code"],
                event=event,
                actor=request.user,
            )
            if _wants_json(request):
                return JsonResponse(_result_payload(result, event))
            form = CheckinCodeForm()
        elif _wants_json(request):
            return JsonResponse({"error": form.errors.get_json_data()}, status=400)
    query = request.GET.get("q", "").strip()
    context = {
        "event": event,
        "form": form,
        "result": result,
        "query": query,
        "matches": tickets_search(event=event, query=query) if query else [],
        "counts": checkin_counts(event=event),
        "balance": _balance(event),
        "walkin_form": WalkinForm(event=event),
    }
    return render(request, "door/door_event.html", context)


@never_cache
@require_GET
@door_staff_required
def door_counts(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    return JsonResponse(checkin_counts(event=event))


@never_cache
@require_GET
@organizer_required
def attendees_export(request, event_id, fmt):
    event = get_object_or_404(Event, pk=event_id)
    return exports.export_response(event=event, fmt=fmt, actor=request.user)
