"""Giving seats back: cancelling (by staff, by the holder, through a refund),
releasing a ticket its holder can't use ("Can't come", refunded in full before the
cut-off) and expiring unpaid holds. Each freed seat is offered to the waiting list
in the same transaction."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from events.models import Event
from payments import services as payment_services
from spanglish.errors import ConflictError
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.selectors import PAYABLE_KIND, ticket_refundable_payment
from tickets.services.seats import ENDED_STATUSES, lock_event
from tickets.services.waitlist import waitlist_offer_next


@transaction.atomic
def ticket_cancel(
    *, ticket: Ticket, actor=None, status: str = TicketStatus.CANCELLED
) -> Ticket:
    """Cancel (or mark refunded) a ticket and free its seat.

    Locks the event, then the ticket. The freed seat is offered to the next person
    on the waiting list in the same transaction.
    """
    lock_event(ticket.event)
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


def ticket_cancel_by_holder(*, ticket: Ticket, actor=None) -> Ticket:
    """The holder gives their seat back. Paid online tickets need a refund instead."""
    if not ticket_holder_may_cancel(ticket):
        raise ValidationError(
            _(
                "This ticket cannot be cancelled here. A paid ticket is cancelled "
                "through a refund: contact the organizers."
            )
        )
    return ticket_cancel(ticket=ticket, actor=actor)


def tickets_expire_stale(*, now=None, event=None, user=None) -> int:
    """Mark unpaid tickets whose hold ran out as expired. Returns how many.

    Each freed seat goes to the waiting list; pending online payments for the
    ticket are cancelled with the provider (outside any lock). `event` and `user`
    narrow it to one person's hold, so booking again right after a hold ran out
    gives a fresh ticket, not the stale one back (the job runs every minute).
    """
    now = now or timezone.now()
    expired: list[Ticket] = []
    stale = Ticket.objects.stale_pending(now)
    if event is not None:
        stale = stale.filter(event=event)
    if user is not None:
        stale = stale.filter(user=user)
    for ticket_id in stale.values_list("pk", flat=True):
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
    for ticket in expired:
        payment_services.payment_cancel_pending(kind=PAYABLE_KIND, payable_id=ticket.pk)
    for event in {t.event_id: t.event for t in expired}.values():
        waitlist_offer_next(event=event)
    return len(expired)


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


def ticket_release(*, ticket: Ticket, now=None) -> ReleaseResult:
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
        payment = ticket_refundable_payment(ticket=ticket)
    if payment is not None:
        left = payment.refundable_amount
        payment_services.payment_refund(payment=payment, amount=None, actor=actor)
        refunded = left
        ticket.refresh_from_db()
    if ticket.status not in (TicketStatus.CANCELLED, TicketStatus.REFUNDED):
        ticket = ticket_cancel(ticket=ticket, actor=actor)
    audit_record(
        action="ticket.released",
        actor=actor,
        target=ticket,
        changes={"refunded": str(refunded), "payment_method": ticket.payment_method},
    )
    return ReleaseResult(ticket=ticket, refunded=refunded)
