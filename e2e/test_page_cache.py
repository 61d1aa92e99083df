"""Booking through an event page shared between visitors (events/page_cache.py): the
page another browser left in the cache carries this browser's own CSRF token, the
booking goes through, and afterwards this browser sees its own ticket."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import csp_violations, new_page
from e2e.test_tickets import book_free_ticket
from events.tests.factories import EventFactory
from tickets.models import TicketStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_visitor_books_through_a_page_another_visitor_cached(
    browser, live_server, page, shot, lang
):
    event = EventFactory(title_en="Tapas night", title_es="Noche de tapas", capacity=9)
    other_context, other = new_page(browser, live_server, locale="en-GB")
    first = other.goto(f"/{lang}/events/{event.slug}/")
    assert first.headers.get("x-page-cache") == "shared"
    other_context.close()

    response = page.goto(f"/{lang}/events/{event.slug}/")
    assert response.headers.get("x-page-cache") == "shared"
    expect(page.locator(".fact-sub").last).to_contain_text("9")
    shot(page, "shared-page")

    ticket = book_free_ticket(
        page, event, lang=lang, name="Ana Visitor", email="ana@example.org"
    )
    assert ticket.status == TicketStatus.CONFIRMED

    # Back on the event page: this browser's own, with its ticket, not the shared one.
    response = page.goto(f"/{lang}/events/{event.slug}/")
    assert response.headers.get("x-page-cache") is None
    expect(page.locator(".cta-ticket a.button-primary")).to_have_attribute(
        "href", re.compile(str(ticket.pk))
    )
    shot(page, "own-ticket")
    assert csp_violations(page) == [], page.csp_errors
