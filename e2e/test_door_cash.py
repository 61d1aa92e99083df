"""Cash only when taken, at a real door on a phone: a pay-at-the-door scan asks
"Collect 15,00 €" with Cash received / Not paid; the cash-up follows each choice;
a mis-tap is undone; offline the queue carries the choice; a volunteer signing in
lands at the door; signing out wipes the saved attendee list."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community.tests.factories import UserFactory
from door.selectors import cash_summary
from events.tests.factories import EventFactory
from payments.models import Payment, PaymentStatus
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.tests.factories import TicketFactory

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def _tonight(**kwargs):
    start = timezone.localtime().replace(hour=20, minute=0, second=0, microsecond=0)
    return EventFactory(
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        price=Decimal("15.00"),
        **kwargs,
    )


def _door_ticket(event, name):
    return TicketFactory(
        event=event,
        payment_method=PaymentMethod.DOOR,
        amount_due=Decimal("15.00"),
        attendee_name=name,
    )


def _type_code(page, code):
    page.locator("#door-code-form input[name=code]").fill(code)
    page.locator("#door-code-form button[type=submit]").click()


@pytest.mark.parametrize(
    ("lang", "collect", "counter"),
    [
        ("es", "15,00\xa0€", ["Han entrado 0 de 2", "Ha entrado 1 de 2"]),
        ("en", "€15.00", ["0 of 2 checked in", "1 of 2 checked in"]),
    ],
    ids=["es", "en"],
)
def test_cash_received_vs_not_paid_with_the_cash_up(
    phone_page, volunteer, shot, lang, collect, counter
):
    page = phone_page
    event = _tonight(title_en="Tuesday exchange", title_es="Intercambio del martes")
    ana, ben = _door_ticket(event, "Ana"), _door_ticket(event, "Ben")
    login_in_browser(page, volunteer)
    page.goto(f"/{lang}/tickets/door/{event.pk}/")
    result = page.locator("#door-result")
    expect(page.locator("#door-count")).to_have_text(counter[0])

    # Scanned: asked, nothing recorded yet.
    _type_code(page, ana.display_code)
    expect(result).to_have_class(re.compile("door-result-due"))
    expect(result.locator(".door-result-collect")).to_contain_text(collect)
    assert Ticket.objects.get(pk=ana.pk).status == TicketStatus.CONFIRMED
    assert cash_summary(event=event).expected == Decimal("0.00")
    shot(page, f"collect-{lang}")

    # Cash received: checked in, cash counted once in the cash-up.
    result.locator(".door-cash-received").click()
    expect(result).to_have_class(re.compile("door-result-ok"))
    expect(result.locator(".door-result-collect")).to_contain_text(collect)
    expect(page.locator("#door-count")).to_have_text(counter[1])
    assert Ticket.objects.get(pk=ana.pk).status == TicketStatus.CHECKED_IN
    assert cash_summary(event=event).expected == Decimal("15.00")
    shot(page, f"cash-received-{lang}")

    # Not paid: nothing recorded, still not checked in, the cash-up unchanged.
    _type_code(page, ben.display_code)
    expect(result).to_have_class(re.compile("door-result-due"))
    result.locator(".door-cash-declined").click()
    expect(result).to_have_class(re.compile("door-result-idle"))
    assert Ticket.objects.get(pk=ben.pk).status == TicketStatus.CONFIRMED
    assert not Payment.objects.filter(payable_id=str(ben.pk)).exists()
    assert cash_summary(event=event).expected == Decimal("15.00")
    shot(page, f"not-paid-{lang}")

    # Ben after all: cash received, then the volunteer undoes the mis-tap.
    _type_code(page, ben.display_code)
    result.locator(".door-cash-received").click()
    expect(result).to_have_class(re.compile("door-result-ok"))
    assert cash_summary(event=event).expected == Decimal("30.00")
    result.locator(".door-undo").click()
    expect(result).to_have_class(re.compile("door-result-idle"))
    expect(page.locator("#count-checked-in")).to_have_text("1")
    assert Ticket.objects.get(pk=ben.pk).status == TicketStatus.CONFIRMED
    assert cash_summary(event=event).expected == Decimal("15.00")
    shot(page, f"undone-{lang}")

    # The cash-up page fits the phone too.
    page.goto(f"/{lang}/door/events/{event.pk}/cash-up/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_volunteer_signs_in_and_lands_at_the_door(phone_page, shot):
    page = phone_page
    event = _tonight(title_en="Tuesday exchange", title_es="Intercambio del martes")
    volunteer = UserFactory(role="volunteer")
    volunteer.set_password("a long door passphrase 42")
    volunteer.save()

    page.goto("/es/account/login/")
    page.locator("input[name=username]").fill(volunteer.email)
    page.locator("input[name=password]").fill("a long door passphrase 42")
    page.locator("form:has(input[name=password]) [type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/es/tickets/door/{event.pk}/$"))
    expect(page.locator(".nav-links a[href='/es/tickets/door/']")).to_be_visible()
    shot(page, "landed-es")


def test_offline_queue_carries_the_cash_choice(page, volunteer, shot):
    event = _tonight(title_en="Tuesday exchange")
    ana, ben = _door_ticket(event, "Ana"), _door_ticket(event, "Ben")
    login_in_browser(page, volunteer)
    page.goto(f"/en/tickets/door/{event.pk}/")
    page.locator('#door[data-list-saved="yes"]').wait_for(state="attached")
    result = page.locator("#door-result")

    page.context.set_offline(True)
    page.locator('#door[data-network="offline"]').wait_for(state="attached")
    _type_code(page, ana.display_code)
    expect(result).to_have_class(re.compile("door-result-due"))
    expect(result).to_contain_text("€15.00")
    result.locator(".door-cash-received").click()
    expect(result).to_have_class(re.compile("door-result-ok"))
    expect(result.locator(".door-result-collect")).to_have_text("Cash received: €15.00")
    expect(page.locator("#door-count")).to_have_text("1 of 2 checked in")
    _type_code(page, ben.display_code)
    result.locator(".door-cash-declined").click()
    assert page.locator("#door").get_attribute("data-queued") == "1"
    shot(page, "offline-cash-queued")
    assert cash_summary(event=event).expected == Decimal("0.00")

    page.context.set_offline(False)
    page.locator('#door[data-queued="0"]').wait_for(state="attached")
    assert Ticket.objects.get(pk=ana.pk).status == TicketStatus.CHECKED_IN
    assert Ticket.objects.get(pk=ben.pk).status == TicketStatus.CONFIRMED
    paid = Payment.objects.get(payable_id=str(ana.pk))
    assert paid.status == PaymentStatus.SUCCEEDED
    assert cash_summary(event=event).expected == Decimal("15.00")


def test_signing_out_wipes_the_saved_attendee_list(page, volunteer):
    event = _tonight()
    _door_ticket(event, "Ana")
    login_in_browser(page, volunteer)
    page.goto(f"/en/tickets/door/{event.pk}/")
    page.locator('#door[data-list-saved="yes"]').wait_for(state="attached")
    key = f"door:list:{event.pk}"
    assert page.evaluate(f"localStorage.getItem('{key}')") is not None

    page.locator("form[action$='/logout/'] button").click()
    page.wait_for_url(re.compile(r"/en/$"))
    assert page.evaluate(f"localStorage.getItem('{key}')") is None


def test_the_list_of_an_event_that_is_over_is_dropped(page, volunteer):
    start = timezone.now() - timedelta(hours=5)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    login_in_browser(page, volunteer)
    page.goto(f"/en/tickets/door/{event.pk}/")
    key = f"door:list:{event.pk}"
    page.evaluate(
        f"localStorage.setItem('{key}', JSON.stringify({{ends_at: "
        f"'{event.ends_at.isoformat()}', tickets: {{}}}}))"
    )
    page.goto("/en/tickets/door/")
    assert page.evaluate(f"localStorage.getItem('{key}')") is None
