"""Staff pages: door check-in (volunteers, organizers, admins) and attendee exports
(organizers, admins). Anonymous visitors are sent to sign in; members get a 403.

Mounted by spanglish/urls.py under /<lang>/tickets/ in the "tickets" URL namespace
(door/checkin_urls.py): their paths and names predate the door app."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.decorators import door_staff_required, organizer_required
from door import services as door_services
from door.forms import DoorPassSaleForm, WalkinForm
from door.selectors import door_events
from events.models import Event
from spanglish.currency import format_money
from tickets import exports, selectors, services
from tickets.forms import CheckinCodeForm
from tickets.selectors import checkin_counts, tickets_search


@never_cache
@require_GET
@door_staff_required
def door_index(request):
    events = door_events()
    groups = [
        (events.today, _("Today")),
        (events.tomorrow, _("Tomorrow")),
        (events.later, _("Coming up")),
        (events.earlier, _("Yesterday")),
    ]
    return render(request, "door/door_index.html", {"events": events, "groups": groups})


@never_cache
@require_GET
def door_landing(request):
    """Where signing in lands (LOGIN_REDIRECT_URL; an explicit ?next= wins in the
    login view): door staff go to today's event at the door, or to the door index
    when none or several are today; everyone else to the home page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_door_staff:
        return redirect("events:home")
    today = door_events().today
    if len(today) == 1:
        return redirect("tickets:door-event", event_id=today[0].pk)
    return redirect("tickets:door")


def _result_payload(result: services.CheckinResult, event) -> dict:
    ticket = result.ticket
    return {
        "outcome": result.outcome,
        "ok": result.ok,
        "message": result.message,
        "name": (ticket.attendee_name or ticket.attendee_email) if ticket else "",
        "code": ticket.code if ticket else "",
        "collect": str(result.collect) if result.collect else "",
        "collect_display": format_money(result.collect, event.currency)
        if result.collect
        else "",
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


def _cash_choice(request) -> str:
    """What the volunteer said about money due: nothing yet (ask), received or
    unpaid (admitted without paying). Anything else asks."""
    cash = request.POST.get("cash", "")
    return cash if cash in services.CheckinCash.CHOICES else services.CheckinCash.ASK


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
                cash=_cash_choice(request),
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
        "pass_form": DoorPassSaleForm(event=event),
        "undo_minutes": settings.DOOR_UNDO_MINUTES,
    }
    return render(request, "door/door_event.html", context)


@never_cache
@require_POST
@door_staff_required
def door_undo(request, event_id):
    """Take back a mis-tapped check-in: only the volunteer who made it, within
    DOOR_UNDO_MINUTES. Anyone else, or a ticket not checked in by them: 404."""
    event = get_object_or_404(Event, pk=event_id)
    form = CheckinCodeForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        ticket = door_services.checkin_undo(
            event=event, code=form.cleaned_data["code"], actor=request.user
        )
    except services.CheckinUndoRefused as exc:
        if exc.code != "too_late":
            raise Http404 from None
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "message": exc.message, **checkin_counts(event=event)},
                status=409,
            )
        messages.error(request, exc.message)
        return redirect("tickets:door-event", event_id=event.pk)
    message = _("Check-in undone: %(name)s.") % {
        "name": ticket.attendee_name or ticket.attendee_email
    }
    if _wants_json(request):
        return JsonResponse(
            {"ok": True, "message": message, **checkin_counts(event=event)}
        )
    messages.success(request, message)
    return redirect("tickets:door-event", event_id=event.pk)


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
