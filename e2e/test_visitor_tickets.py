"""A visitor's ticket tells the truth (issue 17): an unpaid ticket shows "Payment
pending" and Pay now, never a QR; the QR appears once the payment is confirmed; a
lapsed hold offers to book again. A guest who comes back to the event sees their
ticket (and another browser does not); the payment radios and the consent
checkbox are rows one taps anywhere on; cancelling asks first.

Screenshots: the ticket page pending and confirmed, in both languages, at phone
and desktop width (artifacts/screenshots/test_ticket_page_*).
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from community.tests.factories import UserFactory
from e2e.conftest import PHONE
from events.tests.factories import EventFactory
from tickets import services
from tickets.links import ticket_manage_url
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)
LANGS = ["es", "en"]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def stripe_on(settings):
    """Stripe counts as configured, so a paid event offers "Pay now online"."""
    settings.STRIPE_SECRET_KEY = "sk_test_e2e"  # noqa: S105


def open_manage_link(page, ticket, lang):
    """What the holder does: open the link from their email in this browser."""
    with translation.override(lang):
        link = ticket_manage_url(ticket)
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    expect(page).to_have_url(re.compile(rf"/{lang}/tickets/[0-9a-f-]{{36}}/$"))


def new_page(browser, live_server, *, viewport, lang):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        is_mobile=viewport == PHONE,
        has_touch=viewport == PHONE,
        locale="es-ES" if lang == "es" else "en-GB",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    return context, page


def pending_ticket(event, **kwargs):
    return TicketFactory(
        event=event,
        status=TicketStatus.PENDING_PAYMENT,
        payment_method=PaymentMethod.ONLINE,
        hold_expires_at=timezone.now() + timedelta(minutes=15),
        **kwargs,
    )


def assert_qr_centred_and_scannable(page):
    card = page.locator(".ticket-qr").bounding_box()
    qr = page.locator(".ticket-qr svg").bounding_box()
    # Centred in its card (no gap on one side) and at least 200 CSS px: a door
    # phone reads it from arm's length.
    card_mid = card["x"] + card["width"] / 2
    qr_mid = qr["x"] + qr["width"] / 2
    assert abs(card_mid - qr_mid) <= 1.5, (card, qr)
    assert qr["width"] >= 200 and abs(qr["width"] - qr["height"]) <= 1
    # The drawing fills the box: the path spans (nearly) the whole svg.
    drawn = page.locator(".ticket-qr svg path.qrline").bounding_box()
    assert drawn["width"] >= qr["width"] * 0.85, (drawn, qr)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_ticket_page_pending_then_confirmed(
    browser, live_server, shot, stripe_on, lang, width
):
    event = EventFactory(
        title_en="Tapas night", title_es="Noche de tapas", price=Decimal("15")
    )
    ticket = pending_ticket(event)
    context, page = new_page(
        browser, live_server, viewport=PHONE if width == "phone" else DESKTOP, lang=lang
    )
    open_manage_link(page, ticket, lang)

    # Unpaid: "Payment pending", Pay now as the main button, no QR, no door words.
    expect(page.locator(".ticket-status")).to_have_class(
        re.compile("ticket-state-pending")
    )
    expect(page.locator(".ticket-qr")).to_have_count(0)
    expect(page.locator(".ticket-code")).to_have_count(0)
    pay = page.locator(".ticket-pay a.button-primary")
    expect(pay).to_have_count(1)
    expect(pay).to_have_attribute("href", re.compile(r"/payments/.+provider=stripe"))
    text = page.locator("main").inner_text().replace("\xa0", " ")
    if lang == "en":
        expect(page.locator(".ticket-status")).to_have_text("Payment pending")
        expect(pay).to_have_text("Pay now")
        assert "€15.00" in text
        assert "at the door" not in text
    else:
        expect(page.locator(".ticket-status")).to_have_text("Pago pendiente")
        expect(pay).to_have_text("Pagar ahora")
        assert "15,00 €" in text
        assert "en la puerta" not in text
    shot(page, f"pending-{lang}-{width}")

    # The payment arrives: the same page now shows the ticket with its QR.
    assert services.ticket_confirm_payment(ticket=ticket)
    page.reload()
    expect(page.locator(".ticket-status")).to_have_class(
        re.compile("ticket-state-valid")
    )
    expect(page.locator(".ticket-pay")).to_have_count(0)
    expect(page.locator(".ticket-qr svg")).to_be_visible()
    expect(page.locator(".ticket-code")).to_have_text(ticket.display_code)
    assert_qr_centred_and_scannable(page)
    # The code is in large type.
    size = page.locator(".ticket-code").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 24
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"confirmed-{lang}-{width}")
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_pay_at_the_door_ticket_is_valid_and_says_what_to_pay(phone_page, shot, lang):
    event = EventFactory(price=Decimal("15"))
    ticket = TicketFactory(
        event=event, payment_method=PaymentMethod.DOOR, amount_due=Decimal("15")
    )
    open_manage_link(phone_page, ticket, lang)
    expect(phone_page.locator(".ticket-qr svg")).to_be_visible()
    due = phone_page.locator(".ticket-due")
    expect(due).to_contain_text("15,00 €" if lang == "es" else "€15.00")
    if lang == "en":
        expect(due).to_have_text("Pay €15.00 at the door.")
    shot(phone_page, f"door-{lang}")


def test_expired_hold_offers_to_book_again_or_the_waiting_list(page, shot):
    event = EventFactory(capacity=2, price=Decimal("15"))
    ticket = pending_ticket(event)
    Ticket.objects.filter(pk=ticket.pk).update(
        hold_expires_at=timezone.now() - timedelta(minutes=1)
    )
    open_manage_link(page, ticket, "en")
    expect(page.locator(".ticket-status")).to_have_text("Hold expired: not paid")
    expect(page.locator(".ticket-qr")).to_have_count(0)
    expect(page.locator(".ticket-pay")).to_have_count(0)
    again = page.locator(".ticket-expired a.button-primary")
    expect(again).to_have_text("Book again")
    shot(page, "expired")

    # "Book again" leads to a booking form, not back to the lapsed ticket.
    again.click()
    expect(page.locator("form.booking-form")).to_be_visible()

    # Full meanwhile: the page offers the waiting list instead.
    TicketFactory.create_batch(2, event=event)
    page.goto(f"/en/tickets/{ticket.pk}/")
    expect(page.locator(".ticket-expired a.button-primary")).to_have_text(
        "Join the waiting list"
    )
    shot(page, "expired-full")


@pytest.mark.parametrize("lang", LANGS)
def test_returning_guest_sees_their_ticket_and_another_browser_does_not(
    page, browser, live_server, shot, lang
):
    event = EventFactory()
    page.goto(f"/{lang}/events/{event.slug}/")
    form = page.locator("form.booking-form")
    form.locator("input[name=name]").fill("Ana Guest")
    form.locator("input[name=email]").fill("ana@example.org")
    form.locator("button[type=submit]").click()

    # Back on the event page: where the ticket went, not an empty form again.
    expect(page.locator(".cta-emailed")).to_contain_text("ana@example.org")
    expect(page.locator("form.booking-form")).not_to_be_visible()
    shot(page, f"emailed-{lang}")

    # The guest opens the emailed link, then comes back to the event later.
    ticket = Ticket.objects.get(event=event)
    open_manage_link(page, ticket, lang)
    page.goto(f"/{lang}/events/{event.slug}/")
    show = page.locator(".cta-ticket a.button-primary")
    expect(show).to_have_attribute("href", f"/{lang}/tickets/{ticket.pk}/")
    if lang == "en":
        expect(page.locator(".cta-ticket")).to_contain_text("You have a ticket")
        expect(show).to_have_text("Show my ticket")
    expect(page.locator("form.booking-form")).to_have_count(0)
    shot(page, f"returning-{lang}")

    # Another browser sees the plain form, and the ticket page is not found there.
    context, other = new_page(browser, live_server, viewport=PHONE, lang=lang)
    other.goto(f"/{lang}/events/{event.slug}/")
    expect(other.locator("form.booking-form")).to_be_visible()
    expect(other.locator(".cta-ticket")).to_have_count(0)
    response = other.goto(f"/{lang}/tickets/{ticket.pk}/")
    assert response.status == 404
    context.close()

    # A cancelled ticket no longer counts: the form is back.
    services.ticket_cancel(ticket=ticket)
    page.goto(f"/{lang}/events/{event.slug}/")
    expect(page.locator(".cta-ticket")).to_have_count(0)
    expect(page.locator("form.booking-form")).to_be_visible()


def test_signed_in_member_sees_my_tickets_and_their_ticket(page, login):
    member = UserFactory()
    ticket = TicketFactory(user=member)
    login(page, member)
    page.goto(f"/en/events/{ticket.event.slug}/")
    nav = page.locator(".nav-links")
    expect(nav.get_by_role("link", name="My tickets")).to_have_attribute(
        "href", "/en/account/tickets/"
    )
    expect(page.locator(".cta-ticket a.button-primary")).to_have_text("Show my ticket")
    page.locator(".cta-ticket a.button-primary").click()
    expect(page.locator(".ticket-code")).to_have_text(ticket.display_code)


def row_of(locator):
    return locator.bounding_box()


@pytest.mark.parametrize("lang", LANGS)
def test_payment_radios_are_rows_a_tap_on_the_text_selects(
    phone_page, shot, stripe_on, lang
):
    event = EventFactory(price=Decimal("15"))
    phone_page.goto(f"/{lang}/events/{event.slug}/")
    door = phone_page.locator("input[name=payment][value=door]")
    online = phone_page.locator("input[name=payment][value='online:stripe']")
    expect(online).to_be_checked()
    label = phone_page.locator("label", has=door)
    box, radio = label.bounding_box(), door.bounding_box()
    # One row: the radio sits at the start of its label, vertically inside it, not
    # floating centred above the text; the row is a thumb's height or more.
    assert box["height"] >= 44, box
    assert radio["x"] - box["x"] < 24, (radio, box)
    assert (
        box["y"] < radio["y"]
        and radio["y"] + radio["height"] < box["y"] + box["height"]
    )
    assert box["width"] > 300  # the whole width of the form
    # A tap on the words (far right of the row) selects it.
    label.click(position={"x": box["width"] - 20, "y": box["height"] / 2})
    expect(door).to_be_checked()
    expect(online).not_to_be_checked()
    # The submit button uses the page's font, not the browser's default.
    fonts = phone_page.evaluate(
        """() => [getComputedStyle(document.body).fontFamily,
                  getComputedStyle(document.querySelector('.booking-form button')).fontFamily]"""
    )
    assert fonts[0] == fonts[1], fonts
    shot(phone_page, f"radios-{lang}")


@pytest.mark.parametrize("lang", LANGS)
def test_signup_consent_checkbox_is_a_row_a_tap_on_the_text_ticks(
    phone_page, shot, lang
):
    phone_page.goto(f"/{lang}/account/signup/")
    box = phone_page.locator("input[type=checkbox]").first
    row = phone_page.locator(".field-checkbox").first
    expect(box).not_to_be_checked()
    rect, tick = row.locator("label").bounding_box(), box.bounding_box()
    assert rect["height"] >= 44, rect
    assert (
        rect["y"] <= tick["y"]
        and tick["y"] + tick["height"] <= rect["y"] + rect["height"]
    )
    assert tick["x"] - rect["x"] < 24
    row.locator("label").click(position={"x": rect["width"] - 10, "y": 10})
    expect(box).to_be_checked()
    shot(phone_page, f"signup-{lang}")


@pytest.mark.parametrize("lang", LANGS)
def test_cancelling_a_ticket_asks_first(phone_page, shot, lang):
    event = EventFactory(price=Decimal("15"))
    ticket = TicketFactory(
        event=event, payment_method=PaymentMethod.DOOR, amount_due=Decimal("15")
    )
    open_manage_link(phone_page, ticket, lang)
    phone_page.locator(".ticket-cancel a").click()

    # A confirmation step: nothing changed yet.
    expect(phone_page).to_have_url(re.compile(rf"/{lang}/tickets/{ticket.pk}/cancel/$"))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED
    if lang == "en":
        expect(phone_page.get_by_role("heading", level=1)).to_have_text(
            "Cancel your ticket?"
        )
    shot(phone_page, f"confirm-{lang}")

    # "No, keep it" goes back with the ticket intact.
    phone_page.locator(".ticket-cancel-confirm a").click()
    expect(phone_page.locator(".ticket-qr svg")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED

    phone_page.locator(".ticket-cancel a").click()
    phone_page.locator(".ticket-cancel-confirm button[type=submit]").click()
    expect(phone_page.locator(".ticket-status")).to_have_class(
        re.compile("ticket-state-cancelled")
    )
    expect(phone_page.locator(".ticket-qr")).to_have_count(0)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED
    shot(phone_page, f"cancelled-{lang}")
