"""Writes on tickets: booking, confirmation, cancellation, expiry.

Seats are counted from ticket rows (never a counter that can drift). Every write
that competes for seats locks the event row first, so two bookings for the last
seat serialise: on PostgreSQL through SELECT … FOR UPDATE, on SQLite because a
write transaction takes the database lock at BEGIN (transaction_mode IMMEDIATE).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from events.models import Event
from spanglish.errors import ConflictError
from tickets.models import PaymentMethod, Ticket, TicketStatus


class SoldOut(ConflictError):
    code = "sold_out"


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _seats_free(event: Event) -> int:
    return event.capacity - Ticket.objects.filter(event=event).holding_seats().count()


@transaction.atomic
def ticket_book(
    *,
    event: Event,
    user,
    payment_method: str | None = None,
    attendee_name: str = "",
    attendee_email: str = "",
) -> tuple[Ticket, bool]:
    """Book a seat for `user`. Locks the event row, then counts held seats.

    Returns (ticket, created). A person who already holds a ticket gets that one
    back (created=False). Free events and pay-at-the-door confirm at once; online
    payment holds the seat for TICKET_HOLD_MINUTES as `pending_payment`.
    Raises SoldOut when no seat is left, ValidationError when not bookable.
    """
    event = _lock_event(event)
    existing = Ticket.objects.active().filter(event=event, user=user).first()
    if existing is not None:
        return existing, False
    if not event.is_bookable:
        raise ValidationError(_("This event is not open for booking."))
    if payment_method is None:
        payment_method = PaymentMethod.FREE if event.is_free else PaymentMethod.ONLINE
    if event.is_free and payment_method != PaymentMethod.FREE:
        payment_method = PaymentMethod.FREE
    if not event.is_free and payment_method == PaymentMethod.FREE:
        raise ValidationError(_("This event is not free: choose how to pay."))
    if _seats_free(event) <= 0:
        raise SoldOut(_("Sorry, this event is sold out."))

    now = timezone.now()
    ticket = Ticket(
        event=event,
        user=user,
        attendee_name=attendee_name or user.name,
        attendee_email=(attendee_email or user.email).lower(),
        payment_method=payment_method,
    )
    if payment_method == PaymentMethod.ONLINE:
        ticket.status = TicketStatus.PENDING_PAYMENT
        ticket.hold_expires_at = now + timedelta(minutes=settings.TICKET_HOLD_MINUTES)
    else:
        ticket.status = TicketStatus.CONFIRMED
        if payment_method == PaymentMethod.DOOR:
            ticket.amount_due = event.price
    ticket.save()
    audit_record(
        action="ticket.booked",
        actor=user,
        target=ticket,
        changes={"status": [None, ticket.status], "payment_method": payment_method},
    )
    return ticket, True


@transaction.atomic
def ticket_confirm_payment(*, ticket: Ticket) -> bool:
    """Confirm a pending ticket whose payment arrived. Locks the event row.

    Returns False when the seat can no longer be given: the hold expired and the
    event filled up meanwhile (the caller refunds or flags the payment).
    """
    event = _lock_event(ticket.event)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status in (TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN):
        return True
    if ticket.status not in (TicketStatus.PENDING_PAYMENT, TicketStatus.EXPIRED):
        return False
    if not ticket.holds_seat and _seats_free(event) <= 0:
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
    return True


@transaction.atomic
def ticket_cancel(
    *, ticket: Ticket, actor=None, request=None, status: str = TicketStatus.CANCELLED
) -> Ticket:
    """Cancel (or mark refunded) a ticket and free its seat."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status in (
        TicketStatus.CANCELLED,
        TicketStatus.REFUNDED,
        TicketStatus.EXPIRED,
    ):
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
    return ticket


def tickets_expire_stale(*, now=None) -> int:
    """Mark unpaid tickets whose hold ran out as expired. Returns how many."""
    now = now or timezone.now()
    expired = 0
    for ticket_id in Ticket.objects.stale_pending(now).values_list("pk", flat=True):
        with transaction.atomic():
            updated = (
                Ticket.objects.stale_pending(now)
                .filter(pk=ticket_id)
                .update(status=TicketStatus.EXPIRED, updated_at=now)
            )
            if updated:
                expired += 1
                ticket = Ticket.objects.get(pk=ticket_id)
                audit_record(
                    action="ticket.expired",
                    target=ticket,
                    changes={
                        "status": [TicketStatus.PENDING_PAYMENT, TicketStatus.EXPIRED]
                    },
                )
    return expired
