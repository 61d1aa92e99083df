"""Check-in at the door: one scan admits a ticket once. A pay-at-the-door ticket
with money due is admitted only once the volunteer says what happened to the cash:
received (recorded as cash) or not paid (admitted, not paid)."""

import functools
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from events.models import Event
from payments import services as payment_services
from payments.models import Payment, PaymentStatus, Provider
from spanglish.currency import format_money
from spanglish.errors import ConflictError
from spanglish.rows import column_list, model_from_row
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
    # Money is due and the caller has not said whether it was taken: not checked in.
    CASH_DUE = "cash_due"


class CheckinCash:
    """What happened to the money due on a pay-at-the-door ticket."""

    ASK = "ask"  # nobody said yet: answer CASH_DUE with the amount, change nothing
    RECEIVED = "received"  # cash taken: record it, check in, receipt to the payer
    UNPAID = "unpaid"  # let in without paying: owed, recorded as admitted, not paid

    CHOICES = (RECEIVED, UNPAID)


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


def _one(queryset) -> Ticket | None:
    # No ORDER BY (first() would add one): a code names at most one ticket.
    return next(iter(queryset.order_by()[:1]), None)


_SCAN_EVENT_NAMES = ("id", "title_es", "title_en", "slug", "currency")
# What a scan reads of the ticket's event and of who checked it in: the answer,
# the messages and the audit label name them, the cash takes the currency. Not
# their other columns (an event's descriptions in two languages among them):
# building and reading sixty columns per scan was a fifth of a scan's CPU.
_SCAN_COLUMNS = (
    *(field.name for field in Ticket._meta.concrete_fields),
    *(f"event__{name}" for name in _SCAN_EVENT_NAMES),
    *(f"checked_in_by__{name}" for name in ("id", "name", "email")),
)


def _lock_ticket(queryset) -> Ticket | None:
    """The ticket row locked, with its event and who checked it in (for the answer
    and the audit label), those two unlocked: one statement."""
    return _one(
        queryset.select_for_update(of=("self",))
        .select_related("event", "checked_in_by")
        .only(*_SCAN_COLUMNS)
    )


@functools.cache
def _scan_event_fields() -> tuple:
    """The event's columns a scan answer names, in the model's order, which
    Model.from_db expects."""
    return tuple(
        f for f in Event._meta.concrete_fields if f.attname in _SCAN_EVENT_NAMES
    )


@functools.cache  # PostgreSQL's only (see _admit_confirmed)
def _admit_confirmed_sql(*, of_event: bool) -> str:
    quote = connection.ops.quote_name
    ticket, event = Ticket._meta, Event._meta

    def column(name):
        return f"t.{quote(ticket.get_field(name).column)}"

    return (
        # Names from the models, quoted; every value is a parameter.
        f"UPDATE {quote(ticket.db_table)} AS t SET "  # noqa: S608
        + ", ".join(
            f"{quote(ticket.get_field(name).column)} = %s"
            for name in ("status", "checkin_at", "checked_in_by", "updated_at")
        )
        + f" FROM {quote(event.db_table)} AS e"
        f" WHERE e.{quote(event.pk.column)} = {column('event')}"
        f" AND {column('code')} = %s AND {column('status')} = %s"
        f" AND {column('payment_method')} <> %s"
        + (f" AND {column('event')} = %s" if of_event else "")
        + f" RETURNING {column_list(ticket.concrete_fields, alias='t')},"
        f" {column_list(_scan_event_fields(), alias='e')}"
    )


def _admit_confirmed(*, code: str, event_id, actor) -> Ticket | None:
    """The first scan of a confirmed ticket that takes no cash at the door — nearly
    every scan on a door night — in one statement: the UPDATE finds the row, locks
    it, checks it in and returns it with the event's columns the answer names.
    None when it admits nothing (repeated, another event, cancelled, unpaid, paid at
    the door, no such code): ticket_check_in's locking path then decides and says
    why. A second scan of the same code at the same moment waits for this row's
    lock, then finds it no longer confirmed and takes that path.

    PostgreSQL only: SQLite's RETURNING cannot read the joined event. The two ORM
    statements it replaces (the locking SELECT and the UPDATE) cost three times its
    CPU, and a round trip more under the lock."""
    now = timezone.now()
    by = actor if getattr(actor, "is_authenticated", False) else None
    params = [
        TicketStatus.CHECKED_IN,
        now,
        by.pk if by else None,
        now,
        code,
        TicketStatus.CONFIRMED,
        PaymentMethod.DOOR,
    ]
    if event_id:
        try:
            params.append(Event._meta.pk.to_python(event_id))
        except ValidationError:
            return None  # no such event: the locking path says so
    with connection.cursor() as cursor:
        cursor.execute(_admit_confirmed_sql(of_event=bool(event_id)), params)
        row = cursor.fetchone()
    if row is None:
        return None
    fields = Ticket._meta.concrete_fields
    ticket = model_from_row(Ticket, fields, row[: len(fields)])
    ticket.event = model_from_row(Event, _scan_event_fields(), row[len(fields) :])
    ticket.checked_in_by = by
    return ticket


@transaction.atomic
def ticket_check_in(
    *,
    code: str,
    actor,
    event: Event | None = None,
    event_id=None,
    cash: str = CheckinCash.ASK,
) -> CheckinResult:
    """Check a ticket in at the door of `event` (or of the event with `event_id`:
    a scanner then costs no event query; neither: the ticket's own event). A ticket
    for another event is refused; an `event_id` of no event raises
    Event.DoesNotExist. Locks the ticket row (a pay-at-the-door ticket's event
    first), so a ticket scanned twice at once is checked in, and its cash recorded,
    once.

    For a pay-at-the-door ticket with money due, `cash` says what happened to it:
    ASK (the default) checks nothing in and answers CASH_DUE with the amount, so
    nothing is recorded before the money is in hand; RECEIVED records it as cash
    through payments.services.payment_record_cash (once per ticket; receipt after
    commit); UNPAID lets the person in owing it (payments.services.
    payment_record_unpaid, no cash, no receipt). Every attempt is audited.
    """
    normalized = normalize_ticket_code(code)
    wanted_id = str(event.pk if event is not None else event_id or "")
    if connection.vendor == "postgresql":
        admitted = _admit_confirmed(
            code=normalized, event_id=wanted_id or None, actor=actor
        )
        if admitted is not None:
            zero = Decimal("0")  # it takes no cash and owes none
            return _checked_in(admitted, actor=actor, collect=zero, due=zero)
    # Most tickets take no cash at the door: only their row is competed for, so
    # they are found and locked in one statement, and scans of different tickets
    # never wait for each other.
    ticket = _lock_ticket(
        Ticket.objects.filter(code=normalized).exclude(
            payment_method=PaymentMethod.DOOR
        )
    )
    if ticket is None:
        # Not found, or paid at the door: cash may change hands, so the ticket's
        # event is locked first (found through the code in the same statement), as
        # the cash-up and the undo lock it, and the cash lands wholly before or
        # after a closing cash-up. Lock order event, then ticket (tickets.services.
        # seats).
        own_event = Ticket.objects.filter(code=normalized).values("event_id")[:1]
        locked = list(
            Event.objects.select_for_update()
            .filter(pk=Subquery(own_event))
            .values_list("pk", flat=True)
        )
        if locked:
            ticket = _lock_ticket(Ticket.objects.filter(code=normalized))
    if ticket is not None and (not wanted_id or str(ticket.event_id) == wanted_id):
        event = ticket.event
    elif event is None and wanted_id:
        event = Event.objects.get(pk=wanted_id)
    if ticket is None:
        audit_record(
            action="ticket.checkin_refused",
            actor=actor,
            target=event,
            changes={"outcome": CheckinOutcome.NOT_FOUND, "code": normalized[:32]},
        )
        return _refusal(CheckinOutcome.NOT_FOUND, None, event)
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

    due = Decimal("0")
    if ticket.payment_method == PaymentMethod.DOOR:
        due = max(ticket.amount_due - ticket.amount_collected, Decimal("0"))
    if due > 0 and cash not in CheckinCash.CHOICES:
        # Nothing is recorded before the volunteer has the money in hand.
        name = ticket.attendee_name or ticket.attendee_email
        return CheckinResult(
            outcome=CheckinOutcome.CASH_DUE,
            message=_("Collect %(amount)s: %(name)s")
            % {"amount": format_money(due, event.currency), "name": name},
            ticket=ticket,
            collect=due,
        )
    collect = due if cash == CheckinCash.RECEIVED else Decimal("0")
    if due > 0 and cash == CheckinCash.UNPAID:
        payment_services.payment_record_unpaid(
            kind=PAYABLE_KIND,
            payable_id=ticket.pk,
            amount=due,
            currency=event.currency,
            event_id=event.pk,
            actor=actor,
        )
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
    ticket.updated_at = ticket.checkin_at
    # A queryset UPDATE sends no post_save: a check-in changes nothing a visitor
    # sees (a checked-in ticket holds its seat as the confirmed one did), so it must
    # not bump the public page cache (events.caching) — two Redis writes per scan,
    # one under the ticket lock, and every public page rebuilt after each scan.
    Ticket.objects.filter(pk=ticket.pk).update(
        status=ticket.status,
        checkin_at=ticket.checkin_at,
        checked_in_by=ticket.checked_in_by,
        amount_collected=ticket.amount_collected,
        updated_at=ticket.updated_at,
    )
    return _checked_in(ticket, actor=actor, collect=collect, due=due)


def _checked_in(
    ticket: Ticket, *, actor, collect: Decimal, due: Decimal
) -> CheckinResult:
    """Audit a check-in just written (`due` was owed at the door, `collect` taken)
    and answer it."""
    audit_record(
        action="ticket.checked_in",
        actor=actor,
        target=ticket,
        changes={
            "status": [TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN],
            "cash_collected": str(collect),
            "admitted_unpaid": str(due - collect),
        },
    )
    name = ticket.attendee_name or ticket.attendee_email
    return CheckinResult(
        outcome=CheckinOutcome.CHECKED_IN,
        message=_("Checked in: %(name)s") % {"name": name},
        ticket=ticket,
        collect=collect,
    )


class CheckinUndoRefused(ConflictError):
    """`code`: "not_yours" (no check-in of this volunteer to undo) or "too_late"."""


@transaction.atomic
def ticket_check_in_undo(
    *, code: str, event: Event, actor, window: timedelta
) -> Ticket:
    """Undo a mis-tapped check-in: only the volunteer who checked the ticket in,
    only within `window` of it. Locks the event, then the ticket row. The ticket is
    confirmed again, not checked in; the door payment the check-in recorded (cash
    received, or admitted, not paid) is cancelled through
    payments.services.payment_void_cash, so the cash-up no longer expects it.
    Audited (`ticket.checkin_undone`)."""
    lock_event(event)
    ticket = _one(
        Ticket.objects.select_for_update().filter(
            code=normalize_ticket_code(code), event=event
        )
    )
    actor_id = getattr(actor, "pk", None)
    if (
        ticket is None
        or ticket.status != TicketStatus.CHECKED_IN
        or actor_id is None
        or ticket.checked_in_by_id != actor_id
    ):
        raise CheckinUndoRefused(_("No check-in of yours to undo."), code="not_yours")
    if ticket.checkin_at < timezone.now() - window:
        raise CheckinUndoRefused(
            _("Too late to undo: ask an organizer to correct it."), code="too_late"
        )
    voided = Decimal("0")
    door_payments = Payment.objects.of(PAYABLE_KIND, ticket.pk).filter(
        provider=Provider.CASH,
        status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.UNPAID],
    )
    for payment in door_payments.select_for_update():
        if payment.status == PaymentStatus.SUCCEEDED:
            voided += payment.amount
        payment_services.payment_void_cash(
            payment=payment, actor=actor, reason="check-in undone"
        )
    checked_in_at = ticket.checkin_at
    ticket.status = TicketStatus.CONFIRMED
    ticket.checkin_at = None
    ticket.checked_in_by = None
    ticket.amount_collected = max(ticket.amount_collected - voided, Decimal("0"))
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
        action="ticket.checkin_undone",
        actor=actor,
        target=ticket,
        changes={
            "status": [TicketStatus.CHECKED_IN, TicketStatus.CONFIRMED],
            "checked_in_at": checked_in_at.isoformat(),
            "cash_voided": str(voided),
        },
    )
    return ticket
