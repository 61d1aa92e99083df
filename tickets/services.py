"""Writes on tickets: booking, confirmation, cancellation, expiry, check-in.

Seats are counted from ticket rows (never a counter that can drift). Every write
that competes for seats locks the event row first, so two bookings for the last
seat serialise: on PostgreSQL through SELECT … FOR UPDATE, on SQLite because a
write transaction takes the database lock at BEGIN (transaction_mode IMMEDIATE).
Lock order is always event, then ticket, then waiting-list entry: no deadlocks.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from emails import notifications
from events.models import Event
from spanglish.errors import ConflictError
from tickets.models import (
    PaymentMethod,
    Side,
    Ticket,
    TicketStatus,
    WaitingListEntry,
    WaitlistStatus,
    normalize_ticket_code,
)
from tickets.selectors import (
    held_by_side,
    pays_ahead,
    room_for_side,
    side_for_user,
)

ENDED_STATUSES = (TicketStatus.CANCELLED, TicketStatus.REFUNDED, TicketStatus.EXPIRED)
# A booking by email for an address that already holds a ticket re-sends its link at
# most this often, so the form cannot be used to flood someone's inbox.
RESEND_SECONDS = 600


class SoldOut(ConflictError):
    code = "sold_out"


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _room(event: Event, side: str, *, exclude_offer=None) -> int:
    """Seats a booking on `side` may take (the whole pool when not split)."""
    held = held_by_side(event=event, exclude_offer=exclude_offer)
    return room_for_side(event=event, held=held, side=side)


def _choose_side(event: Event, user, requested: str = "") -> str:
    """The side a person books on at a split event ("" when not split).

    Native in exactly one of Spanish and English: that side (the profile wins over
    a requested side). Native in both, neither, or no profile: the side they asked
    for; when they asked for none, the side with more seats left (Spanish on a tie).
    """
    if not event.is_language_split:
        return ""
    side = side_for_user(user) if user is not None else ""  # None: a newcomer
    if side:
        return side
    if requested in Side.values:
        return requested
    held = held_by_side(event=event)
    es = room_for_side(event=event, held=held, side=Side.ES)
    en = room_for_side(event=event, held=held, side=Side.EN)
    return Side.EN if en > es else Side.ES


def _sold_out(event: Event, side: str) -> SoldOut:
    if side == Side.ES:
        return SoldOut(_("Sorry, no seats are left for native Spanish speakers."))
    if side == Side.EN:
        return SoldOut(_("Sorry, no seats are left for native English speakers."))
    return SoldOut(_("Sorry, this event is sold out."))


@transaction.atomic
def ticket_book(
    *,
    event: Event,
    user,
    payment_method: str | None = None,
    attendee_name: str = "",
    attendee_email: str = "",
    waitlist_entry: WaitingListEntry | None = None,
    side: str = "",
    walk_in: bool = False,
    by_email_only: bool = False,
    request=None,
) -> tuple[Ticket | None, bool]:
    """Book a seat for `user`. Locks the event row, then counts held seats.

    Language-split events: the seat is on the person's side (see _choose_side) and
    counts against that side's seats and the flexible share. `payment_method="pass"`
    (for the passes service, after it consumed a session) confirms at once with
    nothing due. A member with NO_SHOW_LIMIT no-shows may not pay at the door
    unless `walk_in` (they stand at the door paying now).

    Returns (ticket, created). A person who already holds a ticket gets that one
    back (created=False); (None, False) when nothing was booked (by email only, into
    a deactivated account). Free events and pay-at-the-door confirm at once; online
    payment holds the seat for TICKET_HOLD_MINUTES as `pending_payment`. With a
    `waitlist_entry` whose offer is open, the seat kept for that offer is used.
    Raises SoldOut when no seat is left, ValidationError when not bookable.
    The confirmation email goes out after commit.

    `by_email_only`: the booker only typed `user`'s address (not signed in, no
    emailed link), so they may be anyone. The ticket is left unconfirmed by its
    holder (it counts as a no-show only once they open the emailed link) and the
    outcome must not tell the booker anything about the address's owner: every
    check runs as for a fresh booking before an existing ticket is looked at (whose
    link is then emailed again, not returned to be shown); a pay-at-the-door booking
    by someone who must pay ahead is held for online payment instead of refused;
    and a pending online ticket's link is emailed too (the booker's browser is never
    given the ticket); a deactivated account gets no booking (staff switched it
    off; the attempt is audited) while the booker hears what every booker hears.
    Otherwise the booker is `user` themselves (signed in, an emailed link, staff at
    the door) and the ticket is confirmed by its holder.
    """
    event = _lock_event(event)
    existing = Ticket.objects.active().filter(event=event, user=user).first()
    if existing is not None and not by_email_only:
        return existing, False
    if not event.is_bookable:
        raise ValidationError(_("This event is not open for booking."))
    if payment_method is None:
        payment_method = PaymentMethod.FREE if event.is_free else PaymentMethod.ONLINE
    if payment_method not in PaymentMethod.values:
        raise ValidationError(_("Choose how to pay."))
    if event.is_free and payment_method not in (PaymentMethod.FREE, PaymentMethod.PASS):
        payment_method = PaymentMethod.FREE
    if not event.is_free and payment_method == PaymentMethod.FREE:
        raise ValidationError(_("This event is not free: choose how to pay."))
    if payment_method == PaymentMethod.DOOR and not walk_in and pays_ahead(user):
        if not by_email_only:
            raise ValidationError(
                _(
                    "You have missed several events you booked, so paying at the "
                    "door is not available to you: please pay online or use a pass."
                )
            )
        # Refusing would tell whoever typed the address that its owner has missed
        # events. The seat is held for online payment instead; the ticket page the
        # owner reaches from the email says why.
        payment_method = PaymentMethod.ONLINE

    entry = None
    if waitlist_entry is not None:
        entry = WaitingListEntry.objects.select_for_update().get(pk=waitlist_entry.pk)
        if (
            entry.event_id != event.pk
            or entry.user_id != user.pk
            or not entry.offer_is_open
        ):
            raise ValidationError(_("This offer has expired."))
    if entry is not None and entry.side:
        side = entry.side  # the seat was kept on this side
    else:
        side = _choose_side(event, user, side)
    if _room(event, side, exclude_offer=entry) <= 0:
        raise _sold_out(event, side)
    if by_email_only and not user.is_active:
        # Booking into it would put a seat and a no-show record on an account staff
        # switched off; refusing would tell the booker it exists and is switched off.
        audit_record(
            action="ticket.booking_withheld",
            target=user,
            request=request,
            changes={"event": str(event.pk), "reason": "account_inactive"},
        )
        return None, False
    if existing is not None:  # by_email_only: send its link to the address again
        if cache.add(f"tickets:resend:{existing.pk}", 1, RESEND_SECONDS):
            notifications.notify_ticket_confirmed(existing)
        return existing, False

    now = timezone.now()
    ticket = Ticket(
        event=event,
        user=user,
        attendee_name=attendee_name or user.name,
        attendee_email=(attendee_email or user.email).lower(),
        payment_method=payment_method,
        side=side,
        holder_confirmed_at=None if by_email_only else now,
    )
    if payment_method == PaymentMethod.ONLINE:
        ticket.status = TicketStatus.PENDING_PAYMENT
        ticket.hold_expires_at = now + timedelta(minutes=settings.TICKET_HOLD_MINUTES)
    else:
        ticket.status = TicketStatus.CONFIRMED
        if payment_method == PaymentMethod.DOOR:
            ticket.amount_due = event.price
    ticket.save()
    if entry is not None:
        entry.status = WaitlistStatus.BOOKED
        entry.ticket = ticket
        entry.save(update_fields=["status", "ticket", "updated_at"])
    audit_record(
        action="ticket.booked",
        actor=user,
        target=ticket,
        request=request,
        changes={
            "status": [None, ticket.status],
            "payment_method": payment_method,
            "by_email_only": by_email_only,
        },
    )
    if ticket.status == TicketStatus.CONFIRMED or by_email_only:
        notifications.notify_ticket_confirmed(ticket)
    return ticket, True


def ticket_holder_confirm(*, ticket: Ticket, request=None) -> Ticket:
    """The holder took the ticket up: they pressed "Yes, I'm coming" on the page
    the emailed link opened (a POST: a mail scanner's GET of the link proves
    nothing), or paid for it. The ticket is now theirs to attend or miss (see
    Ticket.is_no_show). Idempotent, one conditional UPDATE (no lock: nothing
    competes for it); audited the first time."""
    if ticket.holder_confirmed_at is not None:
        return ticket
    now = timezone.now()
    updated = Ticket.objects.filter(
        pk=ticket.pk, holder_confirmed_at__isnull=True
    ).update(holder_confirmed_at=now, updated_at=now)
    ticket.holder_confirmed_at = now
    if updated:
        audit_record(
            action="ticket.holder_confirmed",
            actor=ticket.user,
            target=ticket,
            request=request,
            changes={"holder_confirmed_at": [None, now.isoformat()]},
        )
    return ticket


@transaction.atomic
def ticket_confirm_payment(*, ticket: Ticket) -> bool:
    """Confirm a pending ticket whose payment arrived. Locks the event row.

    Returns False when the seat can no longer be given: the hold expired and the
    event filled up meanwhile (the caller refunds or flags the payment). A paid
    ticket is taken up by its holder (ticket_holder_confirm): whoever only typed
    the address of someone else does not pay for their seat.
    """
    event = _lock_event(ticket.event)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status in (TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN):
        ticket_holder_confirm(ticket=ticket)
        return True
    if ticket.status not in (TicketStatus.PENDING_PAYMENT, TicketStatus.EXPIRED):
        return False
    if not ticket.holds_seat and _room(event, ticket.side) <= 0:
        return False
    before = ticket.status
    ticket.status = TicketStatus.CONFIRMED
    ticket.hold_expires_at = None
    ticket.save(update_fields=["status", "hold_expires_at", "updated_at"])
    audit_record(
        action="ticket.confirmed",
        target=ticket,
        changes={"status": [before, ticket.status]},
    )
    ticket_holder_confirm(ticket=ticket)
    notifications.notify_ticket_confirmed(ticket)
    return True


@transaction.atomic
def ticket_cancel(
    *, ticket: Ticket, actor=None, request=None, status: str = TicketStatus.CANCELLED
) -> Ticket:
    """Cancel (or mark refunded) a ticket and free its seat.

    Locks the event, then the ticket. The freed seat is offered to the next person
    on the waiting list in the same transaction.
    """
    _lock_event(ticket.event)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status in ENDED_STATUSES:
        return ticket
    if ticket.status == TicketStatus.CHECKED_IN:
        raise ConflictError(
            _("This ticket was already used at the door."), code="checked_in"
        )
    before = ticket.status
    ticket.status = status
    ticket.cancelled_at = timezone.now()
    ticket.hold_expires_at = None
    ticket.save(
        update_fields=["status", "cancelled_at", "hold_expires_at", "updated_at"]
    )
    audit_record(
        action=f"ticket.{status}",
        actor=actor,
        target=ticket,
        request=request,
        changes={"status": [before, status]},
    )
    waitlist_offer_next(event=ticket.event)
    return ticket


def ticket_holder_may_cancel(ticket: Ticket) -> bool:
    """Holders cancel free and pay-at-the-door tickets, and unpaid online holds;
    money that was paid online comes back through a refund (payments)."""
    if ticket.status not in (TicketStatus.CONFIRMED, TicketStatus.PENDING_PAYMENT):
        return False
    if ticket.event.is_past:
        return False
    if ticket.payment_method == PaymentMethod.ONLINE:
        return ticket.status == TicketStatus.PENDING_PAYMENT
    return True


def ticket_cancel_by_holder(*, ticket: Ticket, actor=None, request=None) -> Ticket:
    """The holder gives their seat back. Paid online tickets need a refund instead."""
    if not ticket_holder_may_cancel(ticket):
        raise ValidationError(
            _(
                "This ticket cannot be cancelled here. A paid ticket is cancelled "
                "through a refund: contact the organizers."
            )
        )
    return ticket_cancel(ticket=ticket, actor=actor, request=request)


def tickets_expire_stale(*, now=None) -> int:
    """Mark unpaid tickets whose hold ran out as expired. Returns how many.

    Each freed seat goes to the waiting list; pending online payments for the
    ticket are cancelled with the provider (outside any lock).
    """
    now = now or timezone.now()
    expired: list[Ticket] = []
    for ticket_id in Ticket.objects.stale_pending(now).values_list("pk", flat=True):
        with transaction.atomic():
            # Conditional update: a payment confirmed meanwhile is not expired.
            updated = (
                Ticket.objects.stale_pending(now)
                .filter(pk=ticket_id)
                .update(status=TicketStatus.EXPIRED, updated_at=now)
            )
            if updated:
                ticket = Ticket.objects.select_related("event").get(pk=ticket_id)
                expired.append(ticket)
                audit_record(
                    action="ticket.expired",
                    target=ticket,
                    changes={
                        "status": [TicketStatus.PENDING_PAYMENT, TicketStatus.EXPIRED]
                    },
                )
    # payments.services imports this module: imported here to break the cycle.
    from payments.services import payment_cancel_pending_for_ticket

    for ticket in expired:
        payment_cancel_pending_for_ticket(ticket=ticket)
    for event in {t.event_id: t.event for t in expired}.values():
        waitlist_offer_next(event=event)
    return len(expired)


# --- Waiting list --------------------------------------------------------------------


@transaction.atomic
def waitlist_join(
    *,
    event: Event,
    user,
    name: str = "",
    email: str = "",
    side: str = "",
    by_email_only: bool = False,
    request=None,
) -> tuple[WaitingListEntry | None, bool]:
    """Put a person on a sold-out event's waiting list. Locks the event row.

    Returns (entry, created); someone already waiting gets their entry back. At a
    language-split event the list is per side: one may join when their side is
    full (side chosen as for booking).

    `by_email_only` (as for ticket_book: the joiner only typed `user`'s address):
    nothing the caller learns may depend on that address. The only refusals are
    the event's own (not bookable; seats free for a newcomer on the side asked
    for); otherwise (None, False) when nothing was added: the address already
    holds a ticket (its link is emailed there again, at most every
    RESEND_SECONDS), its account is deactivated, or its owner's side has seats.
    """
    event = _lock_event(event)
    if not event.is_bookable:
        raise ValidationError(_("This event is not open for booking."))
    if by_email_only:
        if _room(event, _choose_side(event, None, side)) > 0:
            raise ValidationError(_("Seats are available: book a ticket instead."))
        if not user.is_active:
            audit_record(
                action="waitlist.join_withheld",
                target=user,
                request=request,
                changes={"event": str(event.pk), "reason": "account_inactive"},
            )
            return None, False
    held = Ticket.objects.active().filter(event=event, user=user).first()
    if held is not None:
        if not by_email_only:
            raise ValidationError(_("You already have a ticket for this event."))
        if cache.add(f"tickets:resend:{held.pk}", 1, RESEND_SECONDS):
            notifications.notify_ticket_confirmed(held)
        return None, False
    existing = WaitingListEntry.objects.filter(
        event=event,
        user=user,
        status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
    ).first()
    if existing is not None:
        return existing, False
    side = _choose_side(event, user, side)
    if _room(event, side) > 0:
        if by_email_only:
            # The owner's profile puts them on a side with seats (the side asked
            # for had none): saying so would tell the joiner their native language.
            return None, False
        raise ValidationError(_("Seats are available: book a ticket instead."))
    entry = WaitingListEntry.objects.create(
        event=event,
        side=side,
        user=user,
        name=name or user.name,
        email=(email or user.email).lower(),
    )
    audit_record(action="waitlist.joined", actor=user, target=entry, request=request)
    return entry, True


@transaction.atomic
def waitlist_offer_next(*, event: Event, now=None) -> list[WaitingListEntry]:
    """Offer every free seat to the next people waiting. Locks the event row.

    Each offer keeps one seat for WAITLIST_OFFER_HOURS (never past the event's
    end); the offer email goes out after commit. At a language-split event the
    list is per side: a freed seat of one side goes to the next person of that
    side, a free flexible seat to the next person of either side.
    """
    event = _lock_event(event)
    if not event.is_bookable:
        return []
    now = now or timezone.now()
    held = held_by_side(event=event)
    offered: list[WaitingListEntry] = []
    if sum(held.values()) >= event.capacity:
        return offered
    waiting = (
        WaitingListEntry.objects.select_for_update()
        .filter(event=event, status=WaitlistStatus.WAITING)
        .order_by("created_at")
    )
    for entry in waiting:
        if sum(held.values()) >= event.capacity:
            break
        if room_for_side(event=event, held=held, side=entry.side) <= 0:
            continue  # their side is full; someone of the other side may fit
        if Ticket.objects.active().filter(event=event, user_id=entry.user_id).exists():
            entry.status = WaitlistStatus.BOOKED
            entry.save(update_fields=["status", "updated_at"])
            continue
        entry.status = WaitlistStatus.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = min(
            now + timedelta(hours=settings.WAITLIST_OFFER_HOURS), event.ends_at
        )
        entry.save(
            update_fields=["status", "offered_at", "offer_expires_at", "updated_at"]
        )
        audit_record(
            action="waitlist.offered",
            target=entry,
            changes={"offer_expires_at": entry.offer_expires_at.isoformat()},
        )
        notifications.notify_waitlist_offer(entry)
        offered.append(entry)
        held[entry.side] = held.get(entry.side, 0) + 1
    return offered


def waitlist_expire_offers(*, now=None) -> int:
    """End offers nobody took in time and pass each seat to the next person."""
    now = now or timezone.now()
    events: dict = {}
    count = 0
    for entry in WaitingListEntry.objects.stale_offers(now).select_related("event"):
        with transaction.atomic():
            updated = (
                WaitingListEntry.objects.stale_offers(now)
                .filter(pk=entry.pk)
                .update(status=WaitlistStatus.EXPIRED, updated_at=now)
            )
            if updated:
                count += 1
                events[entry.event_id] = entry.event
                audit_record(
                    action="waitlist.offer_expired",
                    target=entry,
                    changes={
                        "status": [WaitlistStatus.OFFERED, WaitlistStatus.EXPIRED]
                    },
                )
    for event in events.values():
        waitlist_offer_next(event=event, now=now)
    return count


# --- Check-in at the door -------------------------------------------------------------


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
    *, code: str, event: Event, actor, request=None, collect_due: bool = True
) -> CheckinResult:
    """Check a ticket in at `event`'s door. Locks the event, then the ticket row, so
    a ticket scanned twice at once is checked in (and its cash recorded) once.

    A pay-at-the-door ticket's amount due is recorded as collected cash through
    payments.services.payment_record_cash, unless `collect_due` is False: the
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
            request=request,
            changes={"outcome": CheckinOutcome.NOT_FOUND, "code": normalized[:32]},
        )
        return _refusal(CheckinOutcome.NOT_FOUND, None, event)
    _lock_event(Event(pk=found.event_id))
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
            request=request,
            changes={"outcome": outcome},
        )
        return _refusal(outcome, ticket, event)

    collect = Decimal("0")
    if ticket.payment_method == PaymentMethod.DOOR and collect_due:
        collect = max(ticket.amount_due - ticket.amount_collected, Decimal("0"))
    if collect > 0:
        # payments.services imports this module: imported here to break the cycle.
        from payments.services import payment_record_cash

        payment_record_cash(ticket=ticket, amount=collect, actor=actor, request=request)
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
        request=request,
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
