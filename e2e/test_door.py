"""A volunteer checks people in by code on a phone: green once, red the second time."""

import re

import pytest
from playwright.sync_api import expect

from events.tests.factories import EventFactory
from tickets.models import TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_volunteer_checks_in_by_code_on_a_phone(
    phone_page, volunteer, login, shot, lang
):
    page = phone_page
    event = EventFactory(title_en="Language exchange", title_es="Intercambio")
    ticket = TicketFactory(event=event, attendee_name="Lucía Fernández")
    login(page, volunteer)

    page.goto(f"/{lang}/tickets/door/")
    page.locator("a.door-event-link").first.click()
    expect(page).to_have_url(re.compile(rf"/{lang}/tickets/door/{event.pk}/$"))
    result = page.locator("#door-result")
    expect(result).to_have_class(re.compile("door-result-idle"))
    shot(page, "door")

    code_field = page.locator("#door-code-form input[name=code]")
    check_in = page.locator("#door-code-form button[type=submit]")
    code_field.fill(ticket.display_code.lower())  # as typed from a phone screen
    check_in.click()
    expect(result).to_have_class(re.compile("door-result-ok"))
    expect(result).to_contain_text("Lucía Fernández")
    if lang == "en":
        expect(result.locator(".door-result-message")).to_have_text(
            "Checked in: Lucía Fernández"
        )
    expect(page.locator("#count-checked-in")).to_have_text("1")
    # Big and green: readable at arm's length in a dark doorway.
    color = result.evaluate("el => getComputedStyle(el).backgroundColor")
    r, g, b = (int(n) for n in re.findall(r"\d+", color)[:3])
    assert g > r and g > b, color
    assert result.bounding_box()["width"] > 0.8 * page.viewport_size["width"] - 40
    shot(page, "checked-in")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CHECKED_IN
    assert ticket.checked_in_by == volunteer

    # The same QR shown again (a friend's screenshot, a second scan): refused in red.
    code_field.fill(ticket.code)
    check_in.click()
    expect(result).to_have_class(re.compile("door-result-bad"))
    expect(result).to_contain_text("Lucía Fernández")
    if lang == "en":
        expect(result).to_contain_text("Already checked in")
    color = result.evaluate("el => getComputedStyle(el).backgroundColor")
    r, g, b = (int(n) for n in re.findall(r"\d+", color)[:3])
    assert r > g and r > b, color
    expect(page.locator("#count-checked-in")).to_have_text("1")
    shot(page, "already-checked-in")
