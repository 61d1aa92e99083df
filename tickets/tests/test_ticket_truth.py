"""A ticket never looks valid when it is not (issue 17): the ticket page, the event
page and every email say exactly what state the ticket is in — unpaid, lapsed,
valid, valid with money owed at the door — and only a ticket that gets its
holder in carries a QR code."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from payments.tests.fakes import start_fake_providers, stripe_event, stripe_signature
from tickets import notifications, services
from tickets.links import ticket_manage_url
from tickets.models import (
    PaymentMethod,
    Ticket,
    TicketStatus,
    WaitingListEntry,
)
from tickets.payables import ticket_payment_start
from tickets.services import CheckinCash
from tickets.tests.factories import TicketFactory
from tickets.ticket_state import (
    CANCELLED,
    CHECKED_IN,
    HOLD_EXPIRED,
    PAY_AT_DOOR,
    PENDING,
    VALID,
    ticket_state,
)

pytestmark = pytest.mark.django_db
WEBHOOK_SECRET = "whsec_truth"  # noqa: S105


@pytest.fixture
def stripe(settings):
    server = start_fake_providers()
    settings.STRIPE_SECRET_KEY = "sk_test_truth"  # noqa: S105
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = server.base_url
    settings.MERCADOPAGO_ACCESS_TOKEN = ""
    yield server
    server.stop()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a block defers to after commit (the emails), as production does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def pending(event, **kwargs):
    return TicketFactory(
        event=event,
        status=TicketStatus.PENDING_PAYMENT,
        payment_method=PaymentMethod.ONLINE,
        **{"hold_expires_at": timezone.now() + timedelta(minutes=15), **kwargs},
    )


def door(event, **kwargs):
    return TicketFactory(
        event=event,
        payment_method=PaymentMethod.DOOR,
        amount_due=event.price,
        **kwargs,
    )


def opened(client, ticket):
    """The holder opened the emailed link in this browser."""
    client.get("/" + ticket_manage_url(ticket).split("://", 1)[1].split("/", 1)[1])
    return client


def html_of(message) -> str:
    return message.alternatives[0][0]


def qr_attached(message) -> bool:
    return any(
        getattr(a, "mimetype", None) == "image/png"
        or (isinstance(a, tuple) and a[2] == "image/png")
        for a in message.attachments
    ) or any("image/png" in part.get_content_type() for part in _parts(message))


def _parts(message):
    return [p for p in message.message().walk() if not p.is_multipart()]


# --- The state itself ----------------------------------------------------------------


def test_state_of_each_kind_of_ticket():
    event = EventFactory(price=Decimal("15"))
    assert ticket_state(TicketFactory(event=event)).code == VALID
    owed = door(event)
    assert ticket_state(owed).code == PAY_AT_DOOR
    assert ticket_state(owed).due == Decimal("15")
    owed.amount_collected = Decimal("15")
    assert ticket_state(owed).code == VALID
    held = pending(event)
    assert ticket_state(held).code == PENDING and not ticket_state(held).admits
    held.hold_expires_at = timezone.now() - timedelta(seconds=1)
    # Still "pending_payment" until the minute job runs, but it holds nothing.
    assert ticket_state(held).code == HOLD_EXPIRED
    held.status = TicketStatus.EXPIRED
    assert ticket_state(held).code == HOLD_EXPIRED
    assert ticket_state(TicketFactory(status=TicketStatus.CANCELLED)).code == CANCELLED
    checked = TicketFactory(status=TicketStatus.CHECKED_IN, checkin_at=timezone.now())
    assert ticket_state(checked).code == CHECKED_IN and ticket_state(checked).admits


# --- Emails ----------------------------------------------------------------------------


def test_guest_paying_online_gets_payment_pending_not_booked(
    client, stripe, mailoutbox, commit
):
    event = EventFactory(price=Decimal("15"))
    with commit():
        client.post(
            reverse("tickets:book", kwargs={"event_id": event.pk}),
            {"name": "Ana", "email": "ana@example.org", "payment": "online:stripe"},
        )
    [message] = mailoutbox
    assert message.subject.startswith("Payment pending")
    for body in (message.body, html_of(message)):
        assert "Pay €15.00 online to confirm it" in body
        assert "Your place is booked" not in body
        assert "at the door" not in body
    assert not message.attachments  # no QR, no calendar file for an unpaid hold
    assert "cid:" not in html_of(message)


def test_booking_again_while_pending_resends_pending_never_booked(
    client, stripe, mailoutbox, commit, settings
):
    event = EventFactory(price=Decimal("15"))
    data = {"name": "Ana", "email": "ana@example.org", "payment": "online:stripe"}
    url = reverse("tickets:book", kwargs={"event_id": event.pk})
    with commit():
        client.post(url, data)
    mailoutbox.clear()
    # Another browser (no resend throttle between tests' caches: a fresh address
    # key) books again with the same address while the ticket is unpaid.
    with commit():
        Client().post(url, {**data, "payment": "door"}, REMOTE_ADDR="198.51.100.9")
    assert Ticket.objects.filter(event=event).count() == 1
    [message] = mailoutbox
    assert "Payment pending" in message.subject
    assert "See you there" not in message.body
    assert "Your place is booked" not in html_of(message)


def test_paid_ticket_email_says_booked_with_qr(stripe, mailoutbox, commit):
    event = EventFactory(price=Decimal("15"))
    ticket = pending(event)
    with commit():
        assert services.ticket_confirm_payment(ticket=ticket)
    [message] = mailoutbox
    assert message.subject.startswith("Your ticket")
    assert "Your place is booked. See you there!" in message.body
    assert ticket.display_code in message.body
    assert "cid:qr-" in html_of(message)
    assert qr_attached(message)
    assert "at the door" not in message.body.split("Ticket code")[0]


def test_pay_at_the_door_ticket_email_says_valid_and_how_much(mailoutbox, commit):
    event = EventFactory(price=Decimal("15"))
    with commit():
        ticket, _created = services.ticket_book(
            event=event, user=UserFactory(), payment_method=PaymentMethod.DOOR
        )
    [message] = mailoutbox
    assert "Your place is booked" in message.body
    assert "Pay €15.00 at the door." in message.body
    assert "Pay <strong>€15.00</strong> at the door." in html_of(message)
    assert qr_attached(message)
    mailoutbox.clear()
    ticket.user.language = "es"
    ticket.user.save()
    with commit():
        notifications.ticket_confirmed_send(ticket)
    assert "Paga 15,00 € en la puerta." in mailoutbox[0].body.replace("\xa0", " ")


def test_expired_hold_email_says_so_and_offers_to_book_again(mailoutbox, commit):
    ticket = pending(EventFactory(price=Decimal("15")))
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.EXPIRED)
    ticket.refresh_from_db()
    with commit():
        notifications.ticket_confirmed_send(ticket)
    [message] = mailoutbox
    assert message.subject.startswith("Your hold has expired")
    assert "you have no ticket for this event" in message.body
    assert ticket.event.get_absolute_url() in message.body
    assert not message.attachments


def test_reminder_of_a_door_ticket_says_what_to_pay(mailoutbox, commit):
    ticket = door(EventFactory(price=Decimal("12")))
    with commit():
        notifications.ticket_reminder_send(ticket)
    [message] = mailoutbox
    assert "Your ticket is confirmed. Pay €12.00 at the door." in message.body
    free = TicketFactory()
    mailoutbox.clear()
    with commit():
        notifications.ticket_reminder_send(free)
    assert "Your ticket is confirmed: show the QR code" in mailoutbox[0].body


def test_waitlist_offer_says_there_is_no_ticket_yet(mailoutbox, commit):
    event = EventFactory(capacity=1, price=Decimal("9"))
    taken = TicketFactory(event=event)
    entry = WaitingListEntry.objects.create(
        event=event, user=UserFactory(), email="wait@example.org"
    )
    with commit():
        services.ticket_cancel(ticket=taken)
    entry.refresh_from_db()
    [message] = mailoutbox
    assert "You don't have a ticket yet: take the seat to book it." in message.body
    assert "The ticket costs €9.00." in message.body


def test_online_payment_receipt_says_the_ticket_is_paid_and_confirmed(
    client, stripe, mailoutbox, commit
):
    ticket = pending(EventFactory(price=Decimal("15")))
    payment = ticket_payment_start(ticket=ticket, provider_code="stripe")
    session = stripe.stripe_pay(payment.provider_reference)
    payload = stripe_event("checkout.session.completed", session)
    with commit():
        response = client.post(
            "/api/payments/webhook/stripe",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_signature(payload, WEBHOOK_SECRET),
        )
    assert response.status_code == 200
    receipt = next(m for m in mailoutbox if m.subject.startswith("Payment received"))
    assert "Your ticket is paid and confirmed: show its QR code at the door." in (
        receipt.body
    )
    booked = next(m for m in mailoutbox if m.subject.startswith("Your ticket"))
    assert qr_attached(booked)


def test_cash_at_the_door_receipt_says_checked_in(volunteer, mailoutbox, commit):
    ticket = door(EventFactory(price=Decimal("8")))
    with commit():
        result = services.ticket_check_in(
            code=ticket.code,
            event=ticket.event,
            actor=volunteer,
            cash=CheckinCash.RECEIVED,
        )
    assert result.ok
    [receipt] = mailoutbox
    assert "Your ticket is paid and checked in." in receipt.body


def test_emails_read_dates_the_way_each_language_does(mailoutbox, settings, commit):
    starts = datetime(2026, 12, 12, 18, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2))
    english = TicketFactory(event=event, user=UserFactory(language="en"))
    spanish = TicketFactory(event=event, user=UserFactory(language="es"))
    with commit():
        notifications.ticket_reminder_send(english)
        notifications.ticket_reminder_send(spanish)
    en, es = mailoutbox
    assert "When: Sat 12 Dec 2026, 18:00–20:00" in en.body
    assert "Dec. 12" not in en.body and "p.m." not in en.body
    assert "Cuándo: sáb 12 dic 2026, 18:00–20:00" in es.body


# --- The ticket page ---------------------------------------------------------------------


def test_pending_ticket_page_shows_pay_now_and_no_qr(client, stripe):
    ticket = pending(EventFactory(price=Decimal("15")))
    html = opened(client, ticket).get(ticket.get_absolute_url()).content.decode()
    assert "Payment pending" in html
    assert re.search(
        r'class="button button-primary[^"]*" href="[^"]*provider=stripe', html
    )
    assert ">Pay now<" in html
    assert (
        "ticket-qr" not in html
        and "<svg" not in html.split("ticket-pay")[1]
        and ticket.display_code not in html
    )
    assert "Show this code at the door" not in html


def test_confirmed_ticket_page_shows_the_qr_and_code(client):
    ticket = TicketFactory()
    html = opened(client, ticket).get(ticket.get_absolute_url()).content.decode()
    assert 'class="ticket-qr"' in html and 'viewBox="0 0' in html
    assert f'<code class="ticket-code">{ticket.display_code}</code>' in html


def test_lapsed_hold_page_offers_book_again_then_the_waiting_list(client):
    event = EventFactory(capacity=1, price=Decimal("15"))
    ticket = pending(event, hold_expires_at=timezone.now() - timedelta(minutes=1))
    html = opened(client, ticket).get(ticket.get_absolute_url()).content.decode()
    assert "Your hold has expired" in html and ">Book again<" in html
    assert "ticket-qr" not in html
    TicketFactory(event=event)  # the seat went to someone else
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert ">Join the waiting list<" in html


def test_member_booking_again_after_a_lapsed_hold_gets_a_fresh_ticket(
    client, member, stripe
):
    event = EventFactory(price=Decimal("15"))
    stale = pending(event, user=member, hold_expires_at=timezone.now())
    client.force_login(member)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "booking-form" in page and "cta-ticket" not in page
    response = client.post(
        reverse("tickets:book", kwargs={"event_id": event.pk}), {"payment": "door"}
    )
    stale.refresh_from_db()
    assert stale.status == TicketStatus.EXPIRED
    fresh = Ticket.objects.get(event=event, status=TicketStatus.CONFIRMED)
    assert response.url == fresh.get_absolute_url()


# --- Cancelling asks first ------------------------------------------------------------------


def test_cancel_link_asks_first_and_only_a_post_cancels(client):
    ticket = TicketFactory()
    opened(client, ticket)
    url = reverse("tickets:cancel", kwargs={"pk": ticket.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Cancel your ticket?" in page.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED  # a GET changes nothing
    client.post(url)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED


def test_cancel_needs_the_csrf_token_and_the_holder(client):
    ticket = TicketFactory()
    url = reverse("tickets:cancel", kwargs={"pk": ticket.pk})
    # Another browser: the confirmation page and the cancel itself are not found.
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    # The holder's browser, without the page's CSRF token (a forged form): refused.
    forged = Client(enforce_csrf_checks=True)
    opened(forged, ticket)
    assert forged.post(url).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED


def test_cancel_page_of_a_paid_online_ticket_explains_the_refund_path(client, stripe):
    ticket = pending(EventFactory(price=Decimal("15")))
    services.ticket_confirm_payment(ticket=ticket)
    html = opened(client, ticket).get(
        reverse("tickets:cancel", kwargs={"pk": ticket.pk})
    )
    assert "can't be cancelled here" in html.content.decode()
    assert (
        client.post(reverse("tickets:cancel", kwargs={"pk": ticket.pk})).status_code
        == 302
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED


# --- The event page: the returning guest --------------------------------------------------


def test_guest_who_opened_the_link_sees_their_ticket_on_the_event_page(
    client, django_assert_max_num_queries
):
    ticket = TicketFactory()
    opened(client, ticket)
    with django_assert_max_num_queries(10):
        html = client.get(ticket.event.get_absolute_url()).content.decode()
    assert "You have a ticket for this event." in html
    assert f'href="{ticket.get_absolute_url()}">Show my ticket<' in html
    assert "booking-form" not in html
    # Another browser sees the plain form.
    other = Client().get(ticket.event.get_absolute_url()).content.decode()
    assert "booking-form" in other and "Show my ticket" not in other


def test_guest_who_just_booked_is_told_where_the_ticket_went_not_given_it(client):
    event = EventFactory()
    client.post(
        reverse("tickets:book", kwargs={"event_id": event.pk}),
        {"name": "Ana", "email": "ana@example.org"},
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert "We sent the ticket to ana@example.org." in html
    # Whoever typed the address is not given the ticket (issue 13): no link to it.
    ticket = Ticket.objects.get(event=event)
    assert str(ticket.pk) not in html
    assert client.get(ticket.get_absolute_url()).status_code == 404


def test_guest_answer_is_the_same_whether_the_address_held_a_ticket(client):
    """The event page after booking echoes what was typed, never what was found."""
    event = EventFactory()
    holder = UserFactory(email="held@example.org")
    TicketFactory(event=event, user=holder)
    url = reverse("tickets:book", kwargs={"event_id": event.pk})
    stranger, newcomer = Client(), Client()
    stranger.post(url, {"name": "X", "email": "held@example.org"})
    newcomer.post(url, {"name": "X", "email": "new@example.org"})

    def cta(c):
        html = c.get(event.get_absolute_url()).content.decode()
        section = html.split('class="cta"')[1].split("</section>")[0]
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", section)

    assert cta(stranger).replace("held@", "new@") == cta(newcomer)


def test_cancelled_ticket_no_longer_shows_on_the_event_page(client):
    ticket = TicketFactory()
    opened(client, ticket)
    services.ticket_cancel(ticket=ticket)
    html = client.get(ticket.event.get_absolute_url()).content.decode()
    assert "Show my ticket" not in html and "booking-form" in html


def test_signed_in_member_sees_my_tickets_in_the_menu(client, member):
    client.force_login(member)
    html = client.get(reverse("events:home")).content.decode()
    assert f'href="{reverse("tickets:mine")}">My tickets<' in html
    assert "My tickets" not in Client().get(reverse("events:home")).content.decode()
