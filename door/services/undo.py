"""Undoing a mis-tap at the door: the same volunteer, within a few minutes."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from door.models import CashUp
from events.models import Event
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.services.seats import lock_event


@transaction.atomic
def checkin_undo(*, event: Event, code: str, actor) -> Ticket:
    """Undo `actor`'s own check-in of `code` at `event` within
    settings.DOOR_UNDO_MINUTES (tickets.services.ticket_check_in_undo: the cash it
    recorded is cancelled, so the cash-up follows). Locks the event row first, as
    cashup_close does: refused once the event's cash-up is closed. Raises
    tickets.services.CheckinUndoRefused."""
    lock_event(event)
    if CashUp.objects.filter(event=event).exists():
        raise ticket_services.CheckinUndoRefused(
            _("Too late to undo: the cash-up of this event is closed."),
            code="too_late",
        )
    return ticket_services.ticket_check_in_undo(
        code=code,
        event=event,
        actor=actor,
        window=timedelta(minutes=settings.DOOR_UNDO_MINUTES),
    )
