"""A visitor pays a paid event by card through Stripe Checkout.

Stripe's API is the local stand-in in payments/tests/fakes.py (the real stripe SDK
talks to it); its hosted checkout page at https://checkout.stripe.test is served
here with page.route and plays the payer. The confirmation arrives as a webhook
signed with Stripe's real algorithm while the return page is polling.
"""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from e2e.conftest import csp_violations, send_stripe_webhook
from e2e.test_browse import A11Y_SCRIPT
from events.tests.factories import EventFactory
from payments.models import Payment, PaymentStatus
from payments.tests.fakes import STRIPE_CHECKOUT_HOST, ticket_of
from tickets.links import ticket_manage_url
from tickets.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db(transaction=True)

CHECKOUT_PAGE = """<!doctype html><html lang="en"><title>Fake Stripe Checkout</title>
<h1>Pay {amount} {currency}</h1><a id="pay" href="{pay_url}">Pay</a>
<a id="back" href="{cancel_url}">Back</a></html>"""


def serve_fake_checkout(page, fake):
    """What the payer sees at Stripe: a page with a Pay button that completes the
    session at the fake API, then Stripe's redirect to our success_url."""

    def handle(route):
        url = route.request.url
        session_id = re.search(r"/c/pay/(cs_test_\w+)", url).group(1)
        created = next(
            r.body
            for r in fake.requests_to("POST", "/v1/checkout/sessions")
            if fake.stripe_sessions[session_id]["client_reference_id"]
            == r.body.get("client_reference_id")
        )
        if url.endswith("/complete"):
            fake.stripe_pay(session_id)
            route.fulfill(status=303, headers={"Location": created["success_url"]})
            return
        session = fake.stripe_sessions[session_id]
        route.fulfill(
            status=200,
            content_type="text/html",
            body=CHECKOUT_PAGE.format(
                amount=session["amount_total"] / 100,
                currency=session["currency"].upper(),
                pay_url=f"{STRIPE_CHECKOUT_HOST}/c/pay/{session_id}/complete",
                cancel_url=created["cancel_url"],
            ),
        )

    page.route(f"{STRIPE_CHECKOUT_HOST}/**", handle)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_visitor_pays_by_card_and_sees_the_confirmation(page, fake_stripe, shot, lang):
    event = EventFactory(price=Decimal("12.50"), currency="EUR", capacity=10)
    serve_fake_checkout(page, fake_stripe)

    page.goto(f"/{lang}/events/{event.slug}/")
    form = page.locator("form.booking-form")
    form.locator("input[name=name]").fill("Carla Payer")
    form.locator("input[name=email]").fill("carla@example.org")
    form.locator("input[name=payment][value='online:stripe']").check()
    if lang == "en":
        expect(form).to_contain_text("Pay now online with Card (Stripe)")
    shot(page, "event")
    form.locator("button[type=submit]").click()

    # The ticket is emailed, never shown to the form's browser (issue 13): the
    # visitor opens the emailed link and pays from the ticket page.
    expect(page).to_have_url(re.compile(rf"/{lang}/events/{event.slug}/$"))
    ticket = Ticket.objects.get(event=event, attendee_email="carla@example.org")
    with translation.override(lang):  # the email is in the booker's language
        link = ticket_manage_url(ticket)
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    page.locator("a[href*='provider=stripe']").click()

    # Redirected to the (fake) hosted checkout with the right amount.
    expect(page).to_have_url(re.compile(r"^https://checkout\.stripe\.test/c/pay/"))
    expect(page.locator("h1")).to_have_text("Pay 12.5 EUR")
    shot(page, "checkout")
    payment = Payment.objects.get(event=event)
    assert payment.status == PaymentStatus.PENDING
    assert ticket_of(payment).status == TicketStatus.PENDING_PAYMENT

    page.locator("#pay").click()

    # Back on our return page: it waits for the webhook, it never trusts the redirect.
    expect(page).to_have_url(re.compile(rf"/{lang}/payments/{payment.pk}/$"))
    box = page.locator("#payment-status")
    expect(box).to_have_attribute("data-status-url", re.compile("status.json"))
    if lang == "en":
        expect(page.locator("h1")).to_have_text("Confirming your payment…")
    shot(page, "confirming")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING

    session = fake_stripe.stripe_sessions[payment.provider_reference]
    assert (
        send_stripe_webhook(page.base_url, "checkout.session.completed", session) == 200
    )

    # The page polls, sees the payment settled and shows the confirmation.
    expect(page.locator("#payment-status:not([data-status-url])")).to_be_visible(
        timeout=15_000
    )
    if lang == "en":
        expect(page.locator("h1")).to_have_text("Payment received")
        expect(box).to_contain_text("Your seat is confirmed")
    assert page.evaluate(A11Y_SCRIPT) == []
    shot(page, "confirmed")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert ticket_of(payment).status == TicketStatus.CONFIRMED

    # And the ticket page shows the QR code, paid online.
    box.locator(f"a[href$='/tickets/{ticket_of(payment).pk}/']").click()
    expect(page.locator(".ticket-qr svg")).to_be_visible()
    expect(page.locator(".ticket-qr code")).to_have_text(
        ticket_of(payment).display_code
    )
    shot(page, "ticket")
    assert csp_violations(page) == []
