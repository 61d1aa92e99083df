import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from community.models import AuditLog
from door.links import cant_come_token
from events.tests.factories import EventFactory
from payments.models import Payment, PaymentStatus, Provider
from payments.tests.fakes import start_fake_providers
from tickets.models import PaymentMethod, Ticket, TicketStatus, WaitlistStatus
from tickets.notifications import ticket_reminder_send
from tickets.services import waitlist_join
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _url(ticket):
    with translation.override("en"):
        return reverse("door:cant-come", kwargs={"token": cant_come_token(ticket)})


@pytest.fixture
def fake(settings):
    server = start_fake_providers()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = server.base_url
    yield server
    server.stop()


def _sold_out_with_waiting(member, **event_kwargs):
    event = EventFactory(capacity=1, **event_kwargs)
    ticket = TicketFactory(event=event, user=member)
    from community.tests.factories import UserFactory

    waiting = UserFactory()
    entry, _ = waitlist_join(event=event, user=waiting)
    return event, ticket, entry


def _paid_online(ticket, amount=Decimal("15.00")):
    ticket.payment_method = PaymentMethod.ONLINE
    ticket.save()
    return Payment.objects.create(
        payable_kind="ticket",
        payable_id=str(ticket.pk),
        event_id=ticket.event_id,
        provider=Provider.STRIPE,
        amount=amount,
        currency="EUR",
        status=PaymentStatus.SUCCEEDED,
        provider_payment_id="pi_test_cant_come",
    )


def test_opening_the_link_does_not_release_the_seat(client, member):
    _event, ticket, entry = _sold_out_with_waiting(member)

    response = client.get(_url(ticket))

    assert response.status_code == 200
    assert "give my seat back" in response.content.decode()
    ticket.refresh_from_db()
    entry.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED
    assert entry.status == WaitlistStatus.WAITING


def test_confirming_releases_and_offers_the_waiting_list(client, member):
    _event, ticket, entry = _sold_out_with_waiting(member)

    response = client.post(_url(ticket))

    assert response.status_code == 200
    assert "Seat given back" in response.content.decode()
    ticket.refresh_from_db()
    entry.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED
    assert entry.status == WaitlistStatus.OFFERED
    assert AuditLog.objects.filter(action="ticket.released").count() == 1
    # A second click changes nothing.
    assert client.post(_url(ticket)).status_code == 200
    assert AuditLog.objects.filter(action="ticket.released").count() == 1


def test_a_forged_token_is_not_found(client, member):
    ticket = TicketFactory(user=member)
    assert client.post(_url(ticket) + "x/").status_code == 404
    assert client.get(_url(ticket)[:-5] + "abcd/").status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED


def test_online_ticket_refunded_in_full_before_the_cutoff(client, member, fake):
    _event, ticket, entry = _sold_out_with_waiting(
        member,
        price=Decimal("15.00"),
        starts_at=timezone.now() + timedelta(hours=48),
    )
    payment = _paid_online(ticket)

    response = client.post(_url(ticket))

    assert response.status_code == 200
    assert "refunding €15.00" in response.content.decode()
    payment.refresh_from_db()
    ticket.refresh_from_db()
    entry.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("15.00")
    assert ticket.status == TicketStatus.REFUNDED
    assert entry.status == WaitlistStatus.OFFERED
    (refund,) = fake.requests_to("POST", "/v1/refunds")
    assert refund.body["amount"] == "1500"


def test_online_ticket_released_without_refund_after_the_cutoff(
    client, member, fake, settings
):
    settings.REFUND_CUTOFF_HOURS = 24
    _event, ticket, entry = _sold_out_with_waiting(
        member,
        price=Decimal("15.00"),
        starts_at=timezone.now() + timedelta(hours=23),
    )
    payment = _paid_online(ticket)

    page = client.get(_url(ticket)).content.decode()
    assert "without a refund" in page
    client.post(_url(ticket))

    payment.refresh_from_db()
    ticket.refresh_from_db()
    entry.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.refunded_amount == 0
    assert ticket.status == TicketStatus.CANCELLED
    assert entry.status == WaitlistStatus.OFFERED
    assert fake.requests_to("POST", "/v1/refunds") == []


def test_checked_in_ticket_cannot_be_released(client, member, volunteer):
    ticket = TicketFactory(
        user=member, status=TicketStatus.CHECKED_IN, checkin_at=timezone.now()
    )
    response = client.post(_url(ticket))
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CHECKED_IN


def test_reminder_email_carries_the_link(
    client, member, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(user=member, event=EventFactory())
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reminder_send(ticket)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text_link = re.search(r"https?://\S+/door/cant-come/\S+/", message.body).group()
    assert "/door/cant-come/" in message.alternatives[0][0]

    page = client.get(urlsplit(text_link).path)

    assert page.status_code == 200
    assert "give my seat back" in page.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CONFIRMED


def test_ticket_page_offers_the_link_for_paid_online_tickets(client, member):
    ticket = TicketFactory(user=member)
    _paid_online(ticket)
    client.force_login(member)
    with translation.override("en"):
        page = client.get(ticket.get_absolute_url()).content.decode()
    assert "/door/cant-come/" in page
