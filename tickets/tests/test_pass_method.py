from decimal import Decimal

import pytest

from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets import services
from tickets.models import PaymentMethod, TicketStatus
from tickets.selectors import seats_left

pytestmark = pytest.mark.django_db


def test_pass_booking_confirms_at_once_with_nothing_to_pay():
    event = EventFactory(price=Decimal("8"), capacity=3)
    ticket, created = services.ticket_book(
        event=event, user=UserFactory(), payment_method=PaymentMethod.PASS
    )
    assert created
    assert ticket.status == TicketStatus.CONFIRMED
    assert ticket.payment_method == PaymentMethod.PASS
    assert ticket.amount_due == Decimal("0")
    assert ticket.hold_expires_at is None
    assert seats_left(event=event) == 2


def test_pass_booking_still_refused_when_sold_out():
    event = EventFactory(price=Decimal("8"), capacity=1)
    services.ticket_book(event=event, user=UserFactory())
    with pytest.raises(services.SoldOut):
        services.ticket_book(
            event=event, user=UserFactory(), payment_method=PaymentMethod.PASS
        )


def test_api_does_not_accept_pass_as_a_payment_method(api_client, member):
    event = EventFactory(price=Decimal("8"))
    api_client.force_authenticate(member)
    response = api_client.post(
        "/api/tickets",
        {"event": str(event.pk), "payment_method": "pass"},
        format="json",
    )
    assert response.status_code == 400
    assert not event.tickets.exists()
