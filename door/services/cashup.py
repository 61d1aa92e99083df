"""The cash-up of an event: what each volunteer counted, then the closing snapshot
(expected vs counted, online and pass totals), read-only once closed."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from community.models import User
from door.models import CashCount, CashUp
from door.selectors import cash_summary
from door.services.amounts import money_amount
from events.models import Event
from spanglish.errors import ConflictError


class CashUpClosed(ConflictError):
    code = "cash_up_closed"


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


class CashCountLocked(ConflictError):
    code = "cash_count_locked"


@transaction.atomic
def cashcount_set(*, event: Event, volunteer: User, counted, actor) -> CashCount:
    """Record what `volunteer` counted. Locks the event row; refused once the
    event's cash-up is closed. Audited.

    A blind count: a volunteer sees the expected cash only once their count is
    saved, so only an organizer may change a saved count (else "count 0, look,
    count again" would defeat it)."""
    _lock_event(event)
    if CashUp.objects.filter(event=event).exists():
        raise CashUpClosed(_("The cash-up of this event is closed."))
    if (
        not actor.is_organizer
        and CashCount.objects.filter(event=event, volunteer=volunteer).exists()
    ):
        raise CashCountLocked(
            _("Your count is saved. Ask an organizer if it needs correcting.")
        )
    if not volunteer.is_door_staff:
        raise ValidationError({"volunteer": _("Only door staff take cash.")})
    counted = money_amount(counted, currency=event.currency, field="counted")
    count, _created = CashCount.objects.update_or_create(
        event=event, volunteer=volunteer, defaults={"counted": counted}
    )
    audit_record(
        action="cash.counted",
        actor=actor,
        target=event,
        changes={"volunteer": str(volunteer.pk), "counted": str(counted)},
    )
    return count


@transaction.atomic
def cashup_close(*, event: Event, actor, notes: str = "") -> CashUp:
    """Close the event's cash-up: a snapshot of expected vs counted per volunteer
    and the online and pass totals. Locks the event row; a second close is
    refused. Audited (`cashup.closed`); read-only afterwards."""
    event = _lock_event(event)
    if CashUp.objects.filter(event=event).exists():
        raise CashUpClosed(_("The cash-up of this event is already closed."))
    summary = cash_summary(event=event)
    lines = [
        {
            "volunteer_id": line.volunteer_id,
            "name": line.name,
            "expected": str(line.expected),
            "counted": str(line.counted or Decimal("0.00")),
            "difference": str((line.counted or Decimal("0.00")) - line.expected),
        }
        for line in summary.lines
    ]
    cash_up = CashUp.objects.create(
        event=event,
        currency=event.currency,
        expected=summary.expected,
        counted=summary.counted,
        difference=summary.difference,
        online_total=summary.online_total,
        pass_tickets=summary.pass_tickets,
        lines=lines,
        notes=notes,
        closed_by=actor,
        closed_at=timezone.now(),
    )
    audit_record(
        action="cashup.closed",
        actor=actor,
        target=cash_up,
        changes={
            "expected": str(cash_up.expected),
            "counted": str(cash_up.counted),
            "difference": str(cash_up.difference),
            "online": str(cash_up.online_total),
            "pass_tickets": cash_up.pass_tickets,
            "passes_sold": summary.passes_sold,
            "pass_cash": str(summary.pass_cash),
            "lines": lines,
        },
    )
    return cash_up
