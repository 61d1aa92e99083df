"""Issue 13 review, from the attacker's side: a stranger books with a member's
address and counts on the member's mail scanner opening the emailed link, so the
ticket counts as taken up and becomes a no-show; and a deactivated account booked
into by whoever types its address."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import AuditLog
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from payments.tests import conftest as payment_fixtures
from tickets.links import ticket_manage_url
from tickets.models import Ticket, TicketStatus
from tickets.payables import ticket_payment_start
from tickets.selectors import no_show_count

pytestmark = pytest.mark.django_db

# The payment providers' fake HTTP servers and signed webhooks (payments/tests).
fake = payment_fixtures.fake
post_stripe = payment_fixtures.post_stripe


def stranger_books(client, event, email, **extra):
    return client.post(
        reverse("tickets:book", kwargs={"event_id": event.pk}),
        {"name": "Stranger", "email": email, **extra},
        REMOTE_ADDR="203.0.113.9",
    )


def manage_path(ticket):
    return "/" + ticket_manage_url(ticket).split("://", 1)[1].split("/", 1)[1]


def confirm_path(ticket):
    return reverse("tickets:holder-confirm", kwargs={"pk": ticket.pk})


def end_event(ticket):
    event = ticket.event
    event.starts_at = timezone.now() - timedelta(days=7)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save(update_fields=["starts_at", "ends_at"])


@pytest.fixture
def planted(client, member):
    """A stranger booked a free event with the member's address."""
    stranger_books(client, EventFactory(), member.email)
    return Ticket.objects.get(user=member)


def test_mail_scanner_opening_the_ticket_link_plants_no_no_show(
    client, member, planted
):
    scanner = client.__class__()
    response = scanner.get(manage_path(planted))
    assert response.status_code == 302  # the link still opens the ticket
    planted.refresh_from_db()
    assert planted.holder_confirmed_at is None
    end_event(planted)
    assert no_show_count(user=member) == 0


def test_yes_im_coming_from_the_browser_that_opened_the_link_takes_it_up(
    client, member, planted
):
    owner = client.__class__()
    page = owner.get(manage_path(planted), follow=True).content.decode()
    assert "Yes, I'm coming" in page and confirm_path(planted) in page
    response = owner.post(confirm_path(planted))
    assert response.status_code == 302 and response.url == planted.get_absolute_url()
    planted.refresh_from_db()
    assert planted.holder_confirmed_at is not None
    assert AuditLog.objects.filter(action="ticket.holder_confirmed").count() == 1
    assert confirm_path(planted) not in owner.get(response.url).content.decode()
    end_event(planted)
    assert no_show_count(user=member) == 1  # theirs now: a missed event counts


def test_yes_im_coming_from_a_browser_that_never_opened_the_link_is_404(
    client, planted
):
    # The stranger who booked it (and anyone else) may not take it up for them.
    response = client.post(confirm_path(planted))
    assert response.status_code == 404
    assert client.__class__().post(confirm_path(planted)).status_code == 404
    planted.refresh_from_db()
    assert planted.holder_confirmed_at is None


def test_yes_im_coming_is_a_post_only(client, planted):
    owner = client.__class__()
    owner.get(manage_path(planted))
    assert owner.get(confirm_path(planted)).status_code == 405
    planted.refresh_from_db()
    assert planted.holder_confirmed_at is None


def test_paying_online_for_the_ticket_takes_it_up(
    client, member, fake, post_stripe, django_capture_on_commit_callbacks
):
    event = EventFactory(price=Decimal("15.00"), currency="EUR")
    stranger_books(client, event, member.email, payment="online:stripe")
    ticket = Ticket.objects.get(user=member)
    assert ticket.status == TicketStatus.PENDING_PAYMENT
    assert ticket.holder_confirmed_at is None
    # The owner opens the emailed link and pays: a stranger does not pay for them.
    payment = ticket_payment_start(ticket=ticket, provider_code="stripe")
    session = fake.stripe_pay(payment.provider_reference)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_stripe("checkout.session.completed", session).status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED
    assert ticket.holder_confirmed_at is not None


def test_booking_while_signed_in_is_taken_up_at_once(client, member):
    client.force_login(member)
    client.post(reverse("tickets:book", kwargs={"event_id": EventFactory().pk}))
    assert Ticket.objects.get(user=member).holder_confirmed_at is not None


# --- A deactivated account ----------------------------------------------------------


@pytest.mark.parametrize("how", ["site", "api"])
def test_booking_with_a_deactivated_accounts_address_books_nothing_and_says_the_same(
    client, api_client, how
):
    gone = UserFactory(email="gone@example.com", is_active=False)
    event = EventFactory(capacity=5)
    answers = []
    for email in ("fresh@example.com", gone.email):
        if how == "site":
            browser = client.__class__()
            response = stranger_books(browser, event, email)
            page = browser.get(response.url).content.decode()
            answers.append((response.status_code, response.url, page.count(email)))
        else:
            response = api_client.post(
                "/api/tickets",
                {"event": str(event.pk), "attendee_name": "G", "attendee_email": email},
                REMOTE_ADDR="203.0.113.10",
            )
            answers.append(
                (response.status_code, response.json()["detail"].replace(email, "X"))
            )
    assert answers[0] == answers[1]
    assert not Ticket.objects.filter(user=gone).exists()
    assert Ticket.objects.filter(event=event).count() == 1  # the fresh address only
    assert AuditLog.objects.filter(
        action="ticket.booking_withheld", target_id=str(gone.pk)
    ).exists()
