"""Staff pages for tables: the grouping (adjustable, printable) and a big-screen
view. Door staff (volunteers, organizers, admins); visitors are sent to sign in,
members get a 403."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from community.decorators import door_staff_required
from events.models import Event
from tickets import services, tables
from tickets.models import Ticket


def _table_size(raw) -> int:
    try:
        return min(max(int(raw), 2), 20)
    except (TypeError, ValueError):
        return tables.DEFAULT_TABLE_SIZE


@never_cache
@require_GET
@door_staff_required
def tables_page(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    current = tables.tables_current(event)
    return render(
        request,
        "tickets/tables.html",
        {
            "event": event,
            "current": current,
            "table_size": _table_size(request.GET.get("size")),
            "table_numbers": [t["number"] for t in current["tables"]],
            "next_table": max([t["number"] for t in current["tables"]] or [0]) + 1,
        },
    )


@never_cache
@require_GET
@door_staff_required
def tables_screen(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    return render(
        request,
        "tickets/tables_screen.html",
        {"event": event, "current": tables.tables_current(event)},
    )


@require_POST
@door_staff_required
def tables_suggest(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    size = _table_size(request.POST.get("table_size"))
    count = services.tables_assign(event=event, table_size=size, actor=request.user)
    messages.success(request, _("Suggested %(count)s tables.") % {"count": count})
    return redirect("tickets:tables", event_id=event.pk)


def _ticket_id(raw) -> uuid.UUID:
    """The posted ticket id; anything that is not one is a ticket we do not have."""
    try:
        return uuid.UUID(str(raw or ""))
    except ValueError:
        raise Http404 from None


@require_POST
@door_staff_required
def tables_move(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    ticket = get_object_or_404(
        Ticket, pk=_ticket_id(request.POST.get("ticket")), event=event
    )
    try:
        table = int(request.POST.get("table", ""))
        services.table_seat_move(
            event=event, ticket=ticket, table=table, actor=request.user
        )
    except ValueError:
        messages.error(request, _("Choose a table number."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s moved to table %(table)s.")
            % {"name": ticket.attendee_name or ticket.attendee_email, "table": table},
        )
    return redirect("tickets:tables", event_id=event.pk)
