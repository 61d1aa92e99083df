from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from community.models import AuditLog
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets import services
from tickets.models import (
    PaymentMethod,
    Ticket,
    TicketStatus,
    WaitingListEntry,
    WaitlistStatus,
)
from tickets.selectors import seats_left
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_free_booking_confirms_at_once_and_is_audited():
    event = EventFactory(capacity=2)
    user = UserFactory()
    ticket, created = services.ticket_book(event=event, user=user)
    assert created
    assert ticket.status == TicketStatus.CONFIRMED
    assert ticket.payment_method == PaymentMethod.FREE
    assert seats_left(event=event) == 1
    assert AuditLog.objects.filter(action="ticket.booked").exists()


def test_booking_twice_returns_the_same_ticket():
    event = EventFactory()
    user = UserFactory()
    first, _ = services.ticket_book(event=event, user=user)
    again, created = services.ticket_book(event=event, user=user)
    assert not created
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1


def test_booking_refused_when_sold_out():
    event = EventFactory(capacity=1)
    services.ticket_book(event=event, user=UserFactory())
    with pytest.raises(services.SoldOut):
        services.ticket_book(event=event, user=UserFactory())


def test_door_payment_confirms_with_amount_due():
    event = EventFactory(price=Decimal("12.50"))
    ticket, _ = services.ticket_book(
        event=event, user=UserFactory(), payment_method=PaymentMethod.DOOR
    )
    assert ticket.status == TicketStatus.CONFIRMED
    assert ticket.amount_due == Decimal("12.50")


def test_paid_event_refuses_free_booking():
    event = EventFactory(price=Decimal("5"))
    with pytest.raises(ValidationError):
        services.ticket_book(
            event=event, user=UserFactory(), payment_method=PaymentMethod.FREE
        )


def test_pending_hold_counts_until_it_expires_then_seat_frees():
    event = EventFactory(capacity=1, price=Decimal("10"))
    ticket, _ = services.ticket_book(event=event, user=UserFactory())
    assert ticket.status == TicketStatus.PENDING_PAYMENT
    with pytest.raises(services.SoldOut):
        services.ticket_book(event=event, user=UserFactory())

    later = timezone.now() + timedelta(minutes=16)
    assert services.tickets_expire_stale(now=later) == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.EXPIRED
    assert seats_left(event=event) == 1


def test_expire_holds_command_expires_stale_tickets():
    ticket = TicketFactory(
        status=TicketStatus.PENDING_PAYMENT,
        payment_method=PaymentMethod.ONLINE,
        hold_expires_at=timezone.now() - timedelta(minutes=1),
    )
    call_command("expire_holds")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.EXPIRED


def test_confirmed_payment_is_not_expired():
    ticket = TicketFactory(
        status=TicketStatus.PENDING_PAYMENT,
        payment_method=PaymentMethod.ONLINE,
        hold_expires_at=timezone.now() + timedelta(minutes=5),
    )
    assert services.ticket_confirm_payment(ticket=ticket)
    services.tickets_expire_stale(now=timezone.now() + timedelta(hours=1))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED


def test_holder_cancels_free_ticket_and_seat_frees():
    event = EventFactory(capacity=1)
    ticket, _ = services.ticket_book(event=event, user=UserFactory())
    services.ticket_cancel_by_holder(ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED
    assert seats_left(event=event) == 1


def test_holder_cannot_cancel_paid_online_ticket():
    ticket = TicketFactory(
        event=EventFactory(price=Decimal("10")),
        payment_method=PaymentMethod.ONLINE,
        status=TicketStatus.CONFIRMED,
    )
    with pytest.raises(ValidationError):
        services.ticket_cancel_by_holder(ticket=ticket)


# --- Waiting list ---------------------------------------------------------------


def _full_event_with_waitlist(n_waiting=2):
    event = EventFactory(capacity=1)
    holder_ticket, _ = services.ticket_book(event=event, user=UserFactory())
    waiting = [
        services.waitlist_join(event=event, user=UserFactory())[0]
        for _ in range(n_waiting)
    ]
    return event, holder_ticket, waiting


def test_waitlist_only_when_sold_out():
    event = EventFactory(capacity=5)
    with pytest.raises(ValidationError):
        services.waitlist_join(event=event, user=UserFactory())


def test_freed_seat_is_offered_to_the_first_person_waiting(settings):
    settings.WAITLIST_OFFER_HOURS = 6
    event, holder_ticket, (first, second) = _full_event_with_waitlist()
    services.ticket_cancel(ticket=holder_ticket)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistStatus.OFFERED
    assert first.offer_expires_at > timezone.now() + timedelta(hours=5)
    assert second.status == WaitlistStatus.WAITING
    # The offered seat is kept: someone else cannot take it.
    with pytest.raises(services.SoldOut):
        services.ticket_book(event=event, user=UserFactory())
    ticket, created = services.ticket_book(
        event=event, user=first.user, waitlist_entry=first
    )
    assert created and ticket.status == TicketStatus.CONFIRMED
    first.refresh_from_db()
    assert first.status == WaitlistStatus.BOOKED


def test_expired_offer_passes_to_the_next_person():
    event, holder_ticket, (first, second) = _full_event_with_waitlist()
    services.ticket_cancel(ticket=holder_ticket)
    later = timezone.now() + timedelta(hours=25)
    assert services.waitlist_expire_offers(now=later) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistStatus.EXPIRED
    assert second.status == WaitlistStatus.OFFERED
    with pytest.raises(ValidationError):
        services.ticket_book(event=event, user=first.user, waitlist_entry=first)


def test_expired_hold_is_offered_to_the_waiting_list():
    event = EventFactory(capacity=1, price=Decimal("10"))
    services.ticket_book(event=event, user=UserFactory())
    entry, _ = services.waitlist_join(event=event, user=UserFactory())
    services.tickets_expire_stale(now=timezone.now() + timedelta(minutes=20))
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    assert WaitingListEntry.objects.open_offers().count() == 1
