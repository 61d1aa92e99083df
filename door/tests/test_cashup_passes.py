from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from community.tests.factories import UserFactory
from door import services
from door.models import CashUp
from door.selectors import cash_summary
from events.tests.factories import EventFactory
from passes import services as pass_services
from passes.tests.factories import PassProductFactory
from tickets.models import PaymentMethod
from tickets.services import ticket_check_in
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return PassProductFactory(
        name_en="5 sessions", sessions=5, price=Decimal("33.35"), currency="EUR"
    )


def test_pass_sold_for_cash_at_the_door_counts_in_the_sellers_cash(
    volunteer, organizer, product
):
    event = EventFactory(price=Decimal("7.30"), currency="EUR")
    ticket = TicketFactory(
        event=event, payment_method=PaymentMethod.DOOR, amount_due=event.price
    )
    ticket_check_in(code=ticket.code, event=event, actor=volunteer, cash="received")
    buyer = UserFactory()
    sold = pass_services.pass_sell_cash(
        product=product, buyer=buyer, actor=volunteer, event=event
    )
    # Not this night's cash: sold without an event, or at another event's door.
    pass_services.pass_sell_cash(product=product, buyer=buyer, actor=volunteer)
    pass_services.pass_sell_cash(
        product=product, buyer=buyer, actor=volunteer, event=EventFactory()
    )

    summary = cash_summary(event=event)

    [line] = summary.lines
    assert line.name == str(volunteer)
    assert line.expected == Decimal("40.65")  # 7.30 + 33.35
    assert summary.cash_taken == Decimal("40.65")
    assert summary.passes_sold == 1
    assert summary.pass_cash == Decimal("33.35")

    # Two sessions used, the rest refunded in cash: 33.35 * 3/5 = 20.01 handed back.
    for _ in range(2):
        pass_services.pass_book_session(
            pass_=sold, event=EventFactory(price=Decimal("7")), user=buyer
        )
    pass_services.pass_refund_unused(pass_=sold, actor=organizer)
    summary = cash_summary(event=event)
    assert summary.lines[0].expected == Decimal("20.64")  # 7.30 + 33.35 - 20.01
    assert summary.cash_refunded == Decimal("20.01")
    assert summary.pass_cash == Decimal("13.34")

    services.cashcount_set(
        event=event, volunteer=volunteer, counted="20.64", actor=volunteer
    )
    cash_up = services.cashup_close(event=event, actor=organizer)
    assert cash_up.expected == Decimal("20.64")
    assert cash_up.difference == Decimal("0.00")


def test_pass_in_another_currency_cannot_be_sold_at_the_events_door(volunteer, product):
    event = EventFactory(currency="USD")
    with pytest.raises(ValidationError):
        pass_services.pass_sell_cash(
            product=product, buyer=UserFactory(), actor=volunteer, event=event
        )
    assert cash_summary(event=event).lines == []
    assert not CashUp.objects.exists()


def test_cash_up_page_shows_passes_sold_at_the_door(
    client, volunteer, organizer, product, django_assert_max_num_queries
):
    event = EventFactory(price=Decimal("6"), currency="EUR")
    pass_services.pass_sell_cash(
        product=product, buyer=UserFactory(), actor=volunteer, event=event
    )
    # The organizer's page: a volunteer's is a blind count (test_cashup_blind.py).
    client.force_login(organizer)
    with translation.override("en"):
        url = reverse("door:cashup", kwargs={"event_id": event.pk})
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert "Passes sold for cash" in page
    assert "€33.35" in page
