"""Door pages: walk-ins, the cash-up, "Can't come", and the service worker and web
app manifest that make the check-in page work offline and installable."""

import hashlib
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from community.decorators import door_staff_required
from community.models import User
from door import services
from door.forms import CashCountForm, CashUpCloseForm, DoorPassSaleForm, WalkinForm
from door.links import ticket_id_from_cant_come_token
from door.models import CashUp
from door.selectors import cash_summary
from events.models import Event
from spanglish.currency import format_money
from spanglish.errors import ConflictError, error_text
from tickets import services as ticket_services
from tickets.models import PaymentMethod, Ticket


def _door_url(event) -> str:
    return reverse("tickets:door-event", kwargs={"event_id": event.pk})


@never_cache
@require_http_methods(["GET", "POST"])
@door_staff_required
def walkin(request, event_id):
    """Register a newcomer, take their cash and check them in, in one step."""
    event = get_object_or_404(Event, pk=event_id)
    form = WalkinForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.walkin_register(
                event=event,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                languages=form.languages(),
                amount=form.cleaned_data.get("amount"),
                actor=request.user,
            )
        except ConflictError as exc:  # sold out, already in
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            collected = ticket.amount_collected
            if ticket.payment_method == PaymentMethod.DOOR and not collected:
                messages.warning(
                    request,
                    _("Welcome, %(name)s! Checked in, not paid.")
                    % {"name": ticket.attendee_name},
                )
            elif collected:
                messages.success(
                    request,
                    _("Welcome, %(name)s! Checked in; %(amount)s taken.")
                    % {
                        "name": ticket.attendee_name,
                        "amount": format_money(collected, event.currency),
                    },
                )
            else:
                messages.success(
                    request,
                    _("Welcome, %(name)s! Checked in.")
                    % {"name": ticket.attendee_name},
                )
            return redirect(_door_url(event))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "door/walkin.html", {"event": event, "form": form}, status=status
    )


@never_cache
@require_POST
@door_staff_required
def pass_sell(request, event_id):
    """Sell a pass for cash from the door page; it counts in this event's cash-up
    for the volunteer who sold it."""
    event = get_object_or_404(Event, pk=event_id)
    form = DoorPassSaleForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors)))
        return redirect(_door_url(event))
    try:
        sold = services.door_pass_sell(
            event=event,
            product=form.cleaned_data["product"],
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            actor=request.user,
        )
    except (ConflictError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("Pass sold to %(buyer)s: %(amount)s taken in cash.")
            % {
                "buyer": sold.user,
                "amount": format_money(sold.price, sold.currency),
            },
        )
    return redirect(_door_url(event))


def _may_count_for(user, volunteer_id) -> bool:
    return user.is_organizer or str(volunteer_id) == str(user.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@door_staff_required
def cashup(request, event_id):
    """End of the night: each volunteer counts their cash; an organizer closes."""
    event = get_object_or_404(Event, pk=event_id)
    closed = CashUp.objects.filter(event=event).select_related("closed_by").first()
    count_form = CashCountForm()
    close_form = CashUpCloseForm()
    if request.method == "POST" and closed is None:
        action = request.POST.get("action")
        if action == "close":
            if not request.user.is_organizer:
                raise Http404
            close_form = CashUpCloseForm(request.POST)
            if close_form.is_valid():
                try:
                    services.cashup_close(
                        event=event,
                        actor=request.user,
                        notes=close_form.cleaned_data["notes"],
                    )
                except ConflictError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("The cash-up is closed."))
                return redirect(request.path)
        else:
            count_form = CashCountForm(request.POST)
            if count_form.is_valid():
                volunteer_id = count_form.cleaned_data["volunteer"] or request.user.pk
                if not _may_count_for(request.user, volunteer_id):
                    raise Http404
                volunteer = get_object_or_404(User, pk=volunteer_id)
                try:
                    services.cashcount_set(
                        event=event,
                        volunteer=volunteer,
                        counted=count_form.cleaned_data["counted"],
                        actor=request.user,
                    )
                except (ConflictError, ValidationError) as exc:
                    messages.error(request, error_text(exc))
                else:
                    messages.success(request, _("Count saved."))
                return redirect(request.path)
    summary = None if closed else cash_summary(event=event)
    sees_all = request.user.is_organizer
    context = {
        "event": event,
        "closed": closed,
        # A blind count: a volunteer's page holds only their own line, and its
        # expected cash only once their count is saved (cashcount_set keeps it).
        "sees_all": sees_all,
        "summary": summary if sees_all else None,
        "closed_lines": _closed_lines(closed) if closed and sees_all else [],
        "mine": _own_line(request.user, closed=closed, summary=summary),
        "currency": closed.currency if closed else event.currency,
        "count_form": count_form,
        "close_form": close_form,
    }
    return render(request, "door/cashup.html", context, status=200)


def _closed_lines(closed: CashUp) -> list[dict]:
    """The snapshot's lines with their amounts back as decimals (stored as strings)."""
    amounts = ("expected", "counted", "difference")
    return [
        {**line, **{key: Decimal(line[key]) for key in amounts}}
        for line in closed.lines
    ]


def _own_line(user, *, closed, summary) -> dict | None:
    """The signed-in volunteer's own expected / counted / difference: from the
    closed snapshot (None when they took no cash), or from the live summary once
    they have counted; before that only `counted_yet: False`."""
    me = str(user.pk)
    if closed is not None:
        lines = _closed_lines(closed)
        line = next((x for x in lines if x["volunteer_id"] == me), None)
        return dict(line, counted_yet=True) if line else None
    line = next((x for x in summary.lines if x.volunteer_id == me), None)
    if line is None or line.counted is None:
        return {"counted_yet": False}
    return {
        "counted_yet": True,
        "expected": line.expected,
        "counted": line.counted,
        "difference": line.difference,
    }


def _ticket_from_token(token) -> Ticket:
    ticket_id = ticket_id_from_cant_come_token(token)
    ticket = (
        Ticket.objects.select_related("event").filter(pk=ticket_id).first()
        if ticket_id
        else None
    )
    if ticket is None:
        raise Http404
    return ticket


@never_cache
@require_http_methods(["GET", "POST"])
def cant_come(request, token):
    """GET only asks (mail scanners follow links); the button's POST releases."""
    ticket = _ticket_from_token(token)
    event = ticket.event
    error = ""
    if request.method == "POST":
        try:
            result = ticket_services.ticket_release(ticket=ticket)
        except (ValidationError, ConflictError) as exc:
            error = error_text(exc)
        else:
            return render(
                request,
                "door/cant_come_done.html",
                {"ticket": result.ticket, "event": event, "refunded": result.refunded},
            )
    paid_online = ticket.payment_method == PaymentMethod.ONLINE
    context = {
        "ticket": ticket,
        "event": event,
        "may_release": ticket_services.ticket_may_release(ticket),
        "paid_online": paid_online,
        "refund_cutoff": ticket_services.refund_cutoff(event),
        "refund_due": paid_online
        and timezone.now() < ticket_services.refund_cutoff(event),
        "cutoff_hours": settings.REFUND_CUTOFF_HOURS,
        "error": error,
    }
    return render(request, "door/cant_come.html", context, status=400 if error else 200)


# --- Offline and installable --------------------------------------------------------

DOOR_STATIC = (
    "css/site.css",
    "tickets/tickets.css",
    "door/checkin.js",
    "door/scanner.js",
    # The camera's QR decoder for browsers without BarcodeDetector (scanner.js).
    "door/vendor/jsqr-1.4.0/jsQR.js",
    "door/door.css",
    "door/icon.svg",
)


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """The check-in page's service worker, served from the root so it may control
    /<lang>/tickets/door/ (Service-Worker-Allowed). Static URLs are the hashed ones,
    so a deploy changes this file and the phone picks up the new version."""
    assets = [static(path) for path in DOOR_STATIC]
    response = render(
        request,
        "door/sw.js",
        {
            "assets": assets,
            "static_prefix": settings.STATIC_URL,
            "version": hashlib.sha256("|".join(assets).encode()).hexdigest()[:12],
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600)
def web_manifest(request):
    """Installable on a phone's home screen: opens the door event list."""
    data = {
        "name": _("Spanglish door check-in"),
        "short_name": _("Door"),
        "start_url": reverse("tickets:door"),
        "scope": reverse("tickets:door"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d2330",
        "icons": [
            {
                "src": static("door/icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            },
            {
                "src": static("door/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": static("door/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
