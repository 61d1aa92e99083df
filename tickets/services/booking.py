"""Booking a seat, and confirming it: by its holder, or by the payment that arrived."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from events.models import Event
from tickets import notifications
from tickets.models import (
    PaymentMethod,
    Ticket,
    TicketStatus,
    WaitingListEntry,
    WaitlistStatus,
)
from tickets.selectors import pays_ahead, room_for_side
from tickets.services.seats import (
    RESEND_SECONDS,
    SoldOut,
    held_now,
    lock_event,
    lock_event_counting_held,
    seat_room,
    side_choose,
    side_wanted,
    sold_out,
)


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
) -> tuple[Ticket | None, bool]:
    """Book a seat for `user`: one transaction, one commit. The ticket, its audit
    entry and its email's task are written first; then the event row is locked
    (lock_event) and only the seats held by others are counted before the commit,
    so bookings wait for each other as briefly as can be. (The ticket goes in under
    the lock instead when its side is decided there, or a waiting-list offer is
    taken up.) An existing ticket is found by the database's one-active-ticket
    rule, not looked up first.

    Language-split events: the seat is on the person's side (see side_choose) and
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
    The confirmation email is rendered and sent by the worker after commit.

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
    booking = {
        "user": user,
        "payment_method": payment_method,
        "attendee_name": attendee_name,
        "attendee_email": attendee_email,
        "waitlist_entry": waitlist_entry,
        "side": side,
        "walk_in": walk_in,
        "by_email_only": by_email_only,
    }
    try:
        try:
            return _book(event=event, **booking)
        except _EventChanged as changed:
            # Its price or language split changed between reading it and locking
            # it: decide again from the row as it is now.
            try:
                return _book(event=changed.event, **booking)
            except _EventChanged:
                raise ValidationError(
                    _("This event was just changed: please try again.")
                ) from None
    except IntegrityError:
        # They already hold a ticket (looked up only now: the one-active-ticket
        # rule is the database's, so the common case, a new booking, skips it).
        existing = _active_ticket(event, user)
        if existing is None:
            raise
        if by_email_only:
            _resend_link(existing)
        return existing, False
    except (ValidationError, SoldOut):
        # Whoever already holds a ticket gets it back, bookable or not.
        existing = None if by_email_only else _active_ticket(event, user)
        if existing is None:
            raise
        return existing, False


def _active_ticket(event: Event, user) -> Ticket | None:
    return Ticket.objects.active().filter(event=event, user=user).first()


class _EventChanged(Exception):
    def __init__(self, event: Event):
        self.event = event


def _resend_link(ticket: Ticket) -> None:
    """Email an existing ticket's link again, at most every RESEND_SECONDS."""
    if cache.add(f"tickets:resend:{ticket.pk}", 1, RESEND_SECONDS):
        notifications.notify_ticket_confirmed(ticket)


@transaction.atomic
def _book(
    *,
    event: Event,
    user,
    payment_method: str | None,
    attendee_name: str,
    attendee_email: str,
    waitlist_entry: WaitingListEntry | None,
    side: str,
    walk_in: bool,
    by_email_only: bool,
) -> tuple[Ticket | None, bool]:
    # --- Before the lock: who books, how they pay, and the rows that only matter
    # if the booking commits (checked again, or guarded by a constraint, below).
    # By email only, an existing ticket is looked for first: its link is sent again
    # after the same checks as a new booking's. Else the insert finds it (above).
    existing = _active_ticket(event, user) if by_email_only else None
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
    if waitlist_entry is None:
        # The profile's side (a query) before the lock; someone whose profile and
        # request settle none gets the emptier side, counted under it.
        side = side_wanted(event, user, side)

    ticket, inserted = None, False
    if existing is None and (user.is_active or not by_email_only):
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
            ticket.hold_expires_at = now + timedelta(
                minutes=settings.TICKET_HOLD_MINUTES
            )
        else:
            ticket.status = TicketStatus.CONFIRMED
            if payment_method == PaymentMethod.DOOR:
                ticket.amount_due = event.price
        # The ticket, its audit entry and its email's task are written in this
        # transaction: if the seat is refused below, all three vanish. The ticket
        # goes in before the lock whenever its side is settled (the one person one
        # ticket rule is the database's); the seat count under the lock leaves it out.
        if waitlist_entry is None and (side or not event.is_language_split):
            ticket.save(force_insert=True)
            inserted = True
        audit_record(
            action="ticket.booked",
            actor=user,
            target=ticket,
            changes={
                "status": [None, ticket.status],
                "payment_method": payment_method,
                "by_email_only": by_email_only,
            },
        )
        if ticket.status == TicketStatus.CONFIRMED or by_email_only:
            notifications.notify_ticket_confirmed(ticket)

    # --- Under the event lock: the seat decision (and the insert, if not made).
    if waitlist_entry is None:
        # The lock and the count in one round trip: see lock_event_counting_held.
        locked, held = lock_event_counting_held(
            event, exclude_ticket=ticket if inserted else None
        )
    else:
        locked = lock_event(event)  # the count waits for the offer's lock, below
    if not locked.is_bookable:
        raise ValidationError(_("This event is not open for booking."))
    if _terms(locked) != _terms(event):
        raise _EventChanged(locked)
    entry = None
    if waitlist_entry is not None:
        entry = WaitingListEntry.objects.select_for_update().get(pk=waitlist_entry.pk)
        if (
            entry.event_id != locked.pk
            or entry.user_id != user.pk
            or not entry.offer_is_open
        ):
            raise ValidationError(_("This offer has expired."))
        held = held_now(
            event=locked,
            exclude_offer=entry,
            exclude_ticket=ticket if inserted else None,
        )
    if entry is not None and entry.side:
        side = entry.side  # the seat was kept on this side
    elif entry is not None or (locked.is_language_split and not side):
        side = side_choose(locked, user if entry else None, side, held=held)
    if room_for_side(event=locked, held=held, side=side) <= 0:
        raise sold_out(locked, side)
    if by_email_only and not user.is_active:
        # Booking into it would put a seat and a no-show record on an account staff
        # switched off; refusing would tell the booker it exists and is switched off.
        audit_record(
            action="ticket.booking_withheld",
            target=user,
            changes={"event": str(locked.pk), "reason": "account_inactive"},
        )
        return None, False
    if existing is not None:  # by_email_only: send its link to the address again
        _resend_link(existing)
        return existing, False

    if not inserted:
        ticket.side = side
        ticket.save(force_insert=True)
    if entry is not None:
        entry.status = WaitlistStatus.BOOKED
        entry.ticket = ticket
        entry.save(update_fields=["status", "ticket", "updated_at"])
    return ticket, True


def _terms(event: Event) -> tuple:
    """What a booking decided from before the lock: price and language split."""
    return (event.price, event.seats_es_native, event.seats_en_native)


def ticket_holder_confirm(*, ticket: Ticket) -> Ticket:
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
    event = lock_event(ticket.event)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status in (TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN):
        ticket_holder_confirm(ticket=ticket)
        return True
    if ticket.status not in (TicketStatus.PENDING_PAYMENT, TicketStatus.EXPIRED):
        return False
    if not ticket.holds_seat and seat_room(event, ticket.side) <= 0:
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
