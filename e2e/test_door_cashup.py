"""The cash-up on a 360 px phone: no horizontal scroll, in both languages, for the
volunteer's blind count and for the organizer's full table."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from community.tests.factories import UserFactory
from door import services
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"width": 360, "height": 740}
SHOWN = {"es": "7,30\xa0€", "en": "€7.30"}


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def night(volunteer):
    """Two volunteers took cash; one has a long name, as real ones do."""
    event = EventFactory(
        title_en="Language exchange at the Casa de la Cultura",
        title_es="Intercambio en la Casa de la Cultura",
        price=Decimal("7.30"),
        currency="EUR",
    )
    colleague = UserFactory(
        role="volunteer", name="Maximiliana Fernández de la Concepción"
    )
    services.walkin_register(event=event, name="A", actor=volunteer)
    services.walkin_register(
        event=event, name="B", amount=Decimal("1234.50"), actor=colleague
    )
    return event


@pytest.mark.parametrize("lang", ["es", "en"])
def test_volunteer_counts_blind_on_a_360px_phone(
    phone_page, volunteer, night, login, shot, lang
):
    page = phone_page
    page.set_viewport_size(NARROW)
    login(page, volunteer)

    page.goto(f"/{lang}/door/events/{night.pk}/cash-up/")
    html = page.content()  # a blind count: not in the page, not even hidden
    assert "7,30" not in html and "7.30" not in html
    assert _scroll_width(page) <= NARROW["width"]
    shot(page, "blind")

    page.locator("input[name=counted]").fill("7")
    page.locator("form:has(input[value=count]) button[type=submit]").click()
    expect(page.locator("#cashup-my-difference")).to_be_visible()
    assert SHOWN[lang] in page.locator("body").text_content()
    assert _scroll_width(page) <= NARROW["width"]
    shot(page, "counted")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_organizer_cash_up_fits_a_360px_phone(
    phone_page, organizer, volunteer, night, login, shot, lang
):
    page = phone_page
    page.set_viewport_size(NARROW)
    services.cashcount_set(
        event=night, volunteer=volunteer, counted=Decimal("7"), actor=volunteer
    )
    login(page, organizer)

    page.goto(f"/{lang}/door/events/{night.pk}/cash-up/")
    expect(page.locator(".cashup-table")).to_be_visible()
    assert SHOWN[lang] in page.locator("body").text_content()
    assert _scroll_width(page) <= NARROW["width"]
    shot(page, "organizer")

    page.locator("form:has(input[value=close]) button[type=submit]").click()
    expect(page.locator("#cashup-difference")).to_be_visible()
    assert _scroll_width(page) <= NARROW["width"]
    shot(page, "closed")
