"""Writes at the door: walk-ins, the phones' offline check-ins, "Can't come" and
the cash-up. Seats and money always move through tickets.services and
payments.services, so capacity rules, locks and audit entries stay theirs."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from community.languages import user_set_languages
from community.models import User
from community.services import user_get_or_create_by_email
from door.models import CashCount, CashUp, OfflineCheckin
from door.selectors import cash_summary
from events.models import Event
from payments import services as payment_services
from payments.models import PaymentStatus, Provider
from spanglish.errors import ConflictError
from tickets import services as ticket_services
from tickets.models import PaymentMethod, Ticket, TicketStatus, normalize_ticket_code

CENTS = Decimal("0.01")
PLACEHOLDER_DOMAIN = "walk-in.invalid"  # RFC 2606: can never receive mail


class CashUpClosed(ConflictError):
    code = "cash_up_closed"


def _money(value, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENTS)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount.")}) from None
    if amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    return amount


# --- Walk-ins ----------------------------------------------------------------------


def _placeholder_user(*, name: str) -> User:
    """An account for a walk-in who gave no email: it holds the ticket and the
    attendance history, and cannot sign in (inactive, no usable password, and an
    address no mail can reach), so nobody can take it over."""
    return User.objects.create_user(
        email=f"walkin-{uuid.uuid4().hex}@{PLACEHOLDER_DOMAIN}",
        password=None,
        name=name,
        is_active=False,
    )


def _store_languages(*, user: User, languages: list[dict] | None, actor, request):
    """Keep a walk-in's languages ([{language, kind, level}]) so the language-split
    seats and the tables know them; a member's own profile is never overwritten."""
    if not languages:
        return
    if user.language_skills.exists():
        return
    user_set_languages(user=user, skills=languages, actor=actor, request=request)


def walkin_register(
    *,
    event: Event,
    name: str,
    email: str = "",
    languages: list[dict] | None = None,
    amount: Decimal | None = None,
    actor,
    request=None,
) -> Ticket:
    """Book a seat for a newcomer at the door, check them in and record their cash.

    Matches an account by email or creates a placeholder one (see
    _placeholder_user). Capacity rules are ticket_book's (event row locked; sold out
    raises tickets.services.SoldOut). The cash taken (the price unless `amount` says
    otherwise) is recorded with payments.services.payment_record_cash, attributed to
    `actor`; 0 means not paid: checked in as "admitted, not paid"
    (payments.services.payment_record_unpaid), no cash recorded. All in one
    transaction: a refusal leaves nothing behind.
    """
    name = (name or "").strip()
    email = (email or "").strip().lower()
    if not name:
        raise ValidationError({"name": _("Enter the newcomer's name.")})
    with transaction.atomic():
        if email:
            user, _created = user_get_or_create_by_email(email=email, name=name)
        else:
            user = _placeholder_user(name=name)
        _store_languages(user=user, languages=languages, actor=actor, request=request)
        payment_method = PaymentMethod.FREE if event.is_free else PaymentMethod.DOOR
        ticket, created = ticket_services.ticket_book(
            event=event,
            user=user,
            payment_method=payment_method,
            attendee_name=name,
            attendee_email=email,
            walk_in=True,  # standing at the door paying now: the no-show rule allows it
            request=request,
        )
        if not created:
            if ticket.status == TicketStatus.CHECKED_IN:
                raise ConflictError(
                    _("%(name)s is already checked in.") % {"name": name},
                    code="already_checked_in",
                )
            if ticket.status == TicketStatus.PENDING_PAYMENT:
                raise ConflictError(
                    _(
                        "%(name)s has a ticket waiting for an online payment: "
                        "find it in the list instead."
                    )
                    % {"name": name},
                    code="pending_payment",
                )
        taken = None
        if ticket.payment_method == PaymentMethod.DOOR and amount is not None:
            taken = _money(amount, field="amount")
            if taken > 0:
                # What the volunteer typed is this walk-in's price: check-in
                # collects exactly it, so the ticket, the cash payment, the audit
                # entries and the cash-up all show the same amount.
                ticket.amount_due = taken
                ticket.save(update_fields=["amount_due", "updated_at"])
        paid = taken is None or taken > 0
        result = ticket_services.ticket_check_in(
            code=ticket.code,
            event=event,
            actor=actor,
            request=request,
            collect_due=paid,
        )
        if not result.ok:
            raise ConflictError(result.message, code=result.outcome)
        if not paid:
            # 0 typed: let in, nothing taken; they still owe the ticket's price.
            payment_services.payment_record_unpaid(
                ticket=result.ticket, actor=actor, request=request
            )
        audit_record(
            action="door.walk_in",
            actor=actor,
            target=result.ticket,
            request=request,
            changes={
                "new_ticket": created,
                "email_given": bool(email),
                "cash_taken": str(result.ticket.amount_collected),
                "paid": paid,
            },
        )
        return result.ticket


# --- Offline check-ins ---------------------------------------------------------------


@dataclass
class SyncAnswer:
    client_id: str
    code: str
    outcome: str
    ok: bool
    message: str
    name: str = ""
    checked_in_at: datetime | None = None
    checked_in_by: str = ""
    replayed: bool = False


def _answer(row: OfflineCheckin, *, replayed: bool) -> SyncAnswer:
    ticket = row.ticket
    return SyncAnswer(
        client_id=row.client_id,
        code=row.code,
        outcome=row.outcome,
        ok=row.outcome == ticket_services.CheckinOutcome.CHECKED_IN,
        message=row.message,
        name=(ticket.attendee_name or ticket.attendee_email) if ticket else "",
        checked_in_at=ticket.checkin_at if ticket else None,
        checked_in_by=str(ticket.checked_in_by or "") if ticket else "",
        replayed=replayed,
    )


def checkin_sync_one(
    *,
    event: Event,
    code: str,
    client_id: str,
    checked_in_at: datetime,
    device_id: str = "",
    actor,
    request=None,
) -> SyncAnswer:
    """Apply one check-in a phone queued. Idempotent by `client_id`: a replay gets
    the first answer back and changes nothing. The server is the authority: the
    first check-in of a ticket to arrive admits it (ticket_check_in locks the ticket
    row); any other gets "already checked in at HH:MM by X"."""
    existing = (
        OfflineCheckin.objects.select_related("ticket", "ticket__checked_in_by")
        .filter(client_id=client_id)
        .first()
    )
    if existing is not None:
        return _answer(existing, replayed=True)
    try:
        with transaction.atomic():
            result = ticket_services.ticket_check_in(
                code=code, event=event, actor=actor, request=request
            )
            row = OfflineCheckin.objects.create(
                client_id=client_id,
                device_id=device_id[:64],
                event=event,
                ticket=result.ticket,
                code=normalize_ticket_code(code)[:32],
                checked_in_at=checked_in_at,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                outcome=result.outcome,
                message=result.message[:300],
            )
    except IntegrityError:
        # The same batch arrived twice at once: the other request recorded it.
        existing = OfflineCheckin.objects.select_related("ticket").get(
            client_id=client_id
        )
        return _answer(existing, replayed=True)
    return _answer(row, replayed=False)


def checkins_sync(*, event: Event, items: list[dict], actor, request=None):
    """Apply a phone's queue in the order it was made (oldest first)."""
    ordered = sorted(items, key=lambda item: item["checked_in_at"])
    return [
        checkin_sync_one(
            event=event,
            code=item["code"],
            client_id=item["client_id"],
            checked_in_at=item["checked_in_at"],
            device_id=item.get("device_id", ""),
            actor=actor,
            request=request,
        )
        for item in ordered
    ]


# --- "Can't come" --------------------------------------------------------------------


def refund_cutoff(event: Event) -> datetime:
    """Online-paid tickets given back before this moment are refunded in full."""
    return event.starts_at - timedelta(hours=settings.REFUND_CUTOFF_HOURS)


def ticket_may_release(ticket: Ticket) -> bool:
    return (
        ticket.status
        in (
            TicketStatus.CONFIRMED,
            TicketStatus.PENDING_PAYMENT,
        )
        and timezone.now() < ticket.event.starts_at
    )


@dataclass
class ReleaseResult:
    ticket: Ticket
    refunded: Decimal


def ticket_release(*, ticket: Ticket, request=None, now=None) -> ReleaseResult:
    """The holder can't come: give the seat back (the waiting list is offered it at
    once by ticket_cancel). Online-paid tickets are refunded in full when released
    more than REFUND_CUTOFF_HOURS before the start, otherwise released without a
    refund; free, door and pass tickets are simply cancelled. Audited as
    `ticket.released`. The provider is called outside any lock (payment_refund)."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_related("event", "user").get(pk=ticket.pk)
    if ticket.status in (TicketStatus.CANCELLED, TicketStatus.REFUNDED):
        return ReleaseResult(ticket=ticket, refunded=Decimal("0"))
    if not ticket_may_release(ticket):
        raise ValidationError(
            _("This ticket can no longer be given back: the event has started.")
            if ticket.status != TicketStatus.CHECKED_IN
            else _("This ticket was already used at the door.")
        )
    actor = ticket.user
    refunded = Decimal("0")
    payment = None
    if (
        ticket.payment_method == PaymentMethod.ONLINE
        and ticket.status == TicketStatus.CONFIRMED
        and now < refund_cutoff(ticket.event)
    ):
        payment = (
            ticket.payments.filter(
                status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED]
            )
            .exclude(provider=Provider.CASH)
            .order_by("created_at")
            .first()
        )
    if payment is not None:
        left = payment.refundable_amount
        payment_services.payment_refund(
            payment=payment, amount=None, actor=actor, request=request
        )
        refunded = left
        ticket.refresh_from_db()
    if ticket.status not in (TicketStatus.CANCELLED, TicketStatus.REFUNDED):
        ticket = ticket_services.ticket_cancel(
            ticket=ticket, actor=actor, request=request
        )
    audit_record(
        action="ticket.released",
        actor=actor,
        target=ticket,
        request=request,
        changes={"refunded": str(refunded), "payment_method": ticket.payment_method},
    )
    return ReleaseResult(ticket=ticket, refunded=refunded)


# --- Cash-up -------------------------------------------------------------------------


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def cashcount_set(
    *, event: Event, volunteer: User, counted, actor, request=None
) -> CashCount:
    """Record what `volunteer` counted. Locks the event row; refused once the
    event's cash-up is closed. Audited."""
    _lock_event(event)
    if CashUp.objects.filter(event=event).exists():
        raise CashUpClosed(_("The cash-up of this event is closed."))
    if not volunteer.is_door_staff:
        raise ValidationError({"volunteer": _("Only door staff take cash.")})
    counted = _money(counted, field="counted")
    count, _created = CashCount.objects.update_or_create(
        event=event, volunteer=volunteer, defaults={"counted": counted}
    )
    audit_record(
        action="cash.counted",
        actor=actor,
        target=event,
        request=request,
        changes={"volunteer": str(volunteer.pk), "counted": str(counted)},
    )
    return count


@transaction.atomic
def cashup_close(*, event: Event, actor, notes: str = "", request=None) -> CashUp:
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
        request=request,
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
