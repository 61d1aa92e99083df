"""Check-in at the door: one scan admits a ticket once, and a pay-at-the-door
ticket's amount due is recorded as cash."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from events.models import Event
from payments import services as payment_services
from tickets.models import (
    PaymentMethod,
    Ticket,
    TicketStatus,
    normalize_ticket_code,
)
from tickets.selectors import PAYABLE_KIND
from tickets.services.seats import ENDED_STATUSES, lock_event


class CheckinOutcome:
    CHECKED_IN = "checked_in"
    ALREADY = "already_checked_in"
    WRONG_EVENT = "wrong_event"
    CANCELLED = "cancelled"
    UNPAID = "unpaid"
    NOT_FOUND = "not_found"


@dataclass
class CheckinResult:
    outcome: str
    message: str
    ticket: Ticket | None = None
    collect: Decimal = field(default_factory=lambda: Decimal("0"))

    @property
    def ok(self) -> bool:
        return self.outcome == CheckinOutcome.CHECKED_IN


def _refusal(outcome: str, ticket: Ticket | None, event: Event) -> CheckinResult:
    name = ticket.attendee_name or ticket.attendee_email if ticket else ""
    if outcome == CheckinOutcome.NOT_FOUND:
        message = _("No ticket has this code.")
    elif outcome == CheckinOutcome.WRONG_EVENT:
        message = _("Not for this event: %(name)s has a ticket for “%(event)s”.") % {
            "name": name,
            "event": ticket.event,
        }
    elif outcome == CheckinOutcome.ALREADY:
        when = timezone.localtime(ticket.checkin_at).strftime("%H:%M")
        by = ticket.checked_in_by or _("someone")
        message = _("Already checked in at %(time)s by %(by)s: %(name)s") % {
            "time": when,
            "by": by,
            "name": name,
        }
    elif outcome == CheckinOutcome.UNPAID:
        message = _("Not paid yet: %(name)s has not completed the payment.") % {
            "name": name
        }
    else:
        message = _("Cancelled: %(name)s's ticket is %(status)s.") % {
            "name": name,
            "status": ticket.get_status_display().lower(),
        }
    return CheckinResult(outcome=outcome, message=message, ticket=ticket)


@transaction.atomic
def ticket_check_in(
    *, code: str, event: Event, actor, collect_due: bool = True
) -> CheckinResult:
    """Check a ticket in at `event`'s door. Locks the event, then the ticket row, so
    a ticket scanned twice at once is checked in (and its cash recorded) once.

    A pay-at-the-door ticket's amount due is recorded as collected cash through
    payments.services.payment_record_cash (once per ticket), unless `collect_due` is False: the
    person is let in without paying, and the caller records them as admitted, not
    paid (payments.services.payment_record_unpaid). Every attempt is audited.
    """
    normalized = normalize_ticket_code(code)
    found = Ticket.objects.filter(code=normalized).only("pk", "event_id").first()
    if found is None:
        audit_record(
            action="ticket.checkin_refused",
            actor=actor,
            target=event,
            changes={"outcome": CheckinOutcome.NOT_FOUND, "code": normalized[:32]},
        )
        return _refusal(CheckinOutcome.NOT_FOUND, None, event)
    lock_event(Event(pk=found.event_id))
    ticket = Ticket.objects.select_for_update().get(pk=found.pk)
    outcome = None
    if ticket.event_id != event.pk:
        outcome = CheckinOutcome.WRONG_EVENT
    elif ticket.status == TicketStatus.CHECKED_IN:
        outcome = CheckinOutcome.ALREADY
    elif ticket.status in ENDED_STATUSES:
        outcome = CheckinOutcome.CANCELLED
    elif ticket.status == TicketStatus.PENDING_PAYMENT:
        outcome = CheckinOutcome.UNPAID
    if outcome is not None:
        audit_record(
            action="ticket.checkin_refused",
            actor=actor,
            target=ticket,
            changes={"outcome": outcome},
        )
        return _refusal(outcome, ticket, event)

    collect = Decimal("0")
    if ticket.payment_method == PaymentMethod.DOOR and collect_due:
        collect = max(ticket.amount_due - ticket.amount_collected, Decimal("0"))
    if collect > 0:
        payment_services.payment_record_cash(
            kind=PAYABLE_KIND,
            payable_id=ticket.pk,
            amount=collect,
            currency=event.currency,
            event_id=event.pk,
            actor=actor,
            once=True,  # the ticket row is locked: a second call finds the first
        )
        ticket.amount_collected += collect
    ticket.status = TicketStatus.CHECKED_IN
    ticket.checkin_at = timezone.now()
    ticket.checked_in_by = actor if getattr(actor, "is_authenticated", False) else None
    ticket.save(
        update_fields=[
            "status",
            "checkin_at",
            "checked_in_by",
            "amount_collected",
            "updated_at",
        ]
    )
    audit_record(
        action="ticket.checked_in",
        actor=actor,
        target=ticket,
        changes={
            "status": [TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN],
            "cash_collected": str(collect),
        },
    )
    name = ticket.attendee_name or ticket.attendee_email
    return CheckinResult(
        outcome=CheckinOutcome.CHECKED_IN,
        message=_("Checked in: %(name)s") % {"name": name},
        ticket=ticket,
        collect=collect,
    )
