"""Anonymous bookings seen from an attacker's side: one client emptying an event,
a stranger booking with a member's email to give them no-shows, and the booking
answers used to learn whether an address holds a ticket or must pay ahead."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from community.models import User
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets.links import ticket_manage_url
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.selectors import no_show_count, pays_ahead
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def book_url(event, lang="en"):
    with translation.override(lang):
        return reverse("tickets:book", kwargs={"event_id": event.pk})


def site_book(client, event, email, *, ip="203.0.113.7", **extra):
    return client.post(
        book_url(event),
        {"name": "Guest", "email": email, **extra},
        REMOTE_ADDR=ip,
    )


def api_book(api_client, event, email, *, ip="203.0.113.7", **extra):
    return api_client.post(
        "/api/tickets",
        {
            "event": str(event.pk),
            "attendee_name": "Guest",
            "attendee_email": email,
            **extra,
        },
        REMOTE_ADDR=ip,
    )


def without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def manage_path(ticket):
    return "/" + ticket_manage_url(ticket).split("://", 1)[1].split("/", 1)[1]


def end_event(ticket):
    """The event of `ticket` took place last week."""
    event = ticket.event
    event.starts_at = timezone.now() - timedelta(days=7)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save(update_fields=["starts_at", "ends_at"])


# --- One client can empty an event ----------------------------------------------------


def test_27_anonymous_bookings_from_one_ip_stop_at_the_limit(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.BOOKING_RATE_LIMIT_PER_IP = 10
    event = EventFactory(capacity=24)
    users_before = User.objects.count()
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(27):
            statuses.append(site_book(client, event, f"bot{i}@example.com").status_code)
    assert statuses == [302] * 10 + [429] * 17
    assert Ticket.objects.filter(event=event).count() == 10
    assert User.objects.count() == users_before + 10
    assert len(mailoutbox) == 10


def test_api_and_site_share_one_limit_per_ip(client, api_client, settings):
    settings.BOOKING_RATE_LIMIT_PER_IP = 3
    event = EventFactory()
    assert site_book(client, event, "a@example.com").status_code == 302
    assert api_book(api_client, event, "b@example.com").status_code == 202
    assert site_book(client, event, "c@example.com").status_code == 302
    refused = api_book(api_client, event, "d@example.com")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert site_book(client, event, "e@example.com").status_code == 429
    assert Ticket.objects.filter(event=event).count() == 3


def test_spoofed_x_forwarded_for_does_not_reset_the_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.BOOKING_RATE_LIMIT_PER_IP = 2
    event = EventFactory()
    statuses = [
        client.post(
            book_url(event),
            {"name": "Bot", "email": f"bot{i}@example.com"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        ).status_code
        for i in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert Ticket.objects.filter(event=event).count() == 2


def test_one_email_is_limited_per_event_whatever_the_ip(
    api_client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.BOOKING_RATE_LIMIT_PER_EMAIL = 3
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            api_book(
                api_client, event, "victim@example.com", ip=f"198.51.100.{i}"
            ).status_code
            for i in range(5)
        ]
    assert statuses == [202, 202, 202, 429, 429]
    # One ticket, its email, and re-sends of its link kept to one per few minutes.
    assert Ticket.objects.filter(event=event).count() == 1
    assert len(mailoutbox) == 2
    # Another event is another allowance.
    assert api_book(api_client, EventFactory(), "victim@example.com").status_code == 202


def test_signed_in_members_are_never_limited(client, settings):
    settings.BOOKING_RATE_LIMIT_PER_IP = 1
    settings.BOOKING_RATE_LIMIT_PER_EMAIL = 1
    for _ in range(3):
        client.force_login(UserFactory())
        response = client.post(book_url(EventFactory()), REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302
    assert Ticket.objects.count() == 3


def test_the_429_speaks_spanish(client, api_client, settings):
    settings.BOOKING_RATE_LIMIT_PER_IP = 0
    event = EventFactory()
    page = client.post(
        book_url(event, "es"),
        {"name": "Bot", "email": "bot@example.com"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert page.status_code == 429
    assert "Demasiadas reservas" in page.content.decode()
    answer = api_client.post(
        "/api/tickets",
        {"event": str(event.pk), "attendee_name": "B", "attendee_email": "b@ex.com"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert answer.status_code == 429
    assert answer.json()["error"]["message"].startswith("Demasiadas reservas")
    assert not Ticket.objects.exists()


# --- Anonymous bookings into a member's account --------------------------------------


def test_stranger_booking_three_times_with_a_members_email_gives_no_no_shows(
    client, member, settings
):
    settings.NO_SHOW_LIMIT = 3
    for i in range(3):
        event = EventFactory()
        site_book(client, event, member.email, ip=f"198.51.100.{i}")
        end_event(Ticket.objects.get(event=event, user=member))
    assert (
        Ticket.objects.filter(user=member, status=TicketStatus.CONFIRMED).count() == 3
    )
    assert no_show_count(user=member) == 0
    assert not pays_ahead(member)
    client.force_login(member)
    paid = EventFactory(price=Decimal("5"))
    door = client.post(book_url(paid), {"payment": "door"})
    assert door.status_code == 302
    assert Ticket.objects.get(event=paid, user=member).payment_method == "door"


def test_the_members_own_no_shows_still_count(client, member, settings):
    settings.NO_SHOW_LIMIT = 2
    # One booked while signed in…
    client.force_login(member)
    signed_in = EventFactory()
    client.post(book_url(signed_in))
    client.logout()
    # …one booked by email, whose link the member opened and took up.
    by_email = EventFactory()
    site_book(client, by_email, member.email)
    ticket = Ticket.objects.get(event=by_email, user=member)
    assert ticket.holder_confirmed_at is None
    client.get(manage_path(ticket))
    client.post(reverse("tickets:holder-confirm", kwargs={"pk": ticket.pk}))
    for t in Ticket.objects.filter(user=member):
        end_event(t)
    assert no_show_count(user=member) == 2
    assert pays_ahead(member)


def test_history_counts_only_no_shows_the_member_took_up(auth_client, member):
    mine = TicketFactory(user=member)
    strangers = TicketFactory(user=member, holder_confirmed_at=None)
    end_event(mine)
    end_event(strangers)
    body = auth_client(member).get(f"/api/users/{member.pk}/history").json()
    assert body["attendance"]["no_shows"] == 1
    assert body["attendance"]["no_shows_counted"] == 1
    assert sorted(t["no_show"] for t in body["tickets"]) == [False, True]


# --- Anonymous answers reveal nothing about the address ------------------------------


def test_site_answer_is_the_same_for_a_fresh_address_and_one_holding_a_ticket(
    client, member
):
    event = EventFactory()
    held = TicketFactory(event=event, user=member)
    fresh = site_book(client, event, "fresh@example.com")
    fresh_page = client.get(fresh.url).content.decode()
    known = site_book(client, event, member.email)
    known_page = client.get(known.url).content.decode()
    assert fresh.status_code == known.status_code == 302
    assert fresh.url == known.url == event.get_absolute_url()
    assert "Check your email: we have sent the ticket to" in fresh_page
    assert without_csrf(known_page).replace(member.email, "X") == without_csrf(
        fresh_page
    ).replace("fresh@example.com", "X")
    assert "already has a ticket" not in known_page
    # Neither browser is given a ticket: only the emailed link opens it.
    new = Ticket.objects.get(attendee_email="fresh@example.com")
    assert client.get(new.get_absolute_url()).status_code == 404
    assert client.get(held.get_absolute_url()).status_code == 404


def test_api_answer_is_the_same_for_a_fresh_address_and_one_holding_a_ticket(
    api_client, member
):
    event = EventFactory()
    TicketFactory(event=event, user=member)
    fresh = api_book(api_client, event, "fresh@example.com")
    known = api_book(api_client, event, member.email)
    assert fresh.status_code == known.status_code == 202
    assert fresh.json().keys() == known.json().keys() == {"detail"}
    assert known.json()["detail"].replace(member.email, "X") == fresh.json()[
        "detail"
    ].replace("fresh@example.com", "X")
    assert "manage_url" not in fresh.json() and "code" not in fresh.json()


@pytest.mark.parametrize("how", ["site", "api"])
def test_pay_at_the_door_answer_hides_a_members_no_shows(
    client, api_client, member, settings, how
):
    settings.NO_SHOW_LIMIT = 1
    missed = TicketFactory(user=member)
    end_event(missed)
    assert pays_ahead(member)
    event = EventFactory(price=Decimal("5"))
    if how == "site":
        fresh = site_book(client, event, "fresh@example.com", payment="door")
        known = site_book(client, event, member.email, payment="door")
        assert fresh.status_code == known.status_code == 302
        assert fresh.url == known.url
        page = client.get(known.url).content.decode()
        assert "missed several events" not in page
    else:
        fresh = api_book(api_client, event, "fresh@example.com", payment_method="door")
        known = api_book(api_client, event, member.email, payment_method="door")
        assert fresh.status_code == known.status_code == 202
        assert fresh.json().keys() == known.json().keys()
    # The rule still holds: the member's seat waits for an online payment.
    ticket = Ticket.objects.get(event=event, user=member)
    assert ticket.payment_method == PaymentMethod.ONLINE
    assert ticket.status == TicketStatus.PENDING_PAYMENT
    assert (
        Ticket.objects.get(event=event, attendee_email="fresh@example.com").status
        == TicketStatus.CONFIRMED
    )


def test_sold_out_answer_is_the_same_whether_the_address_holds_a_seat(
    api_client, member
):
    event = EventFactory(capacity=1)
    TicketFactory(event=event, user=member)
    fresh = api_book(api_client, event, "fresh@example.com")
    known = api_book(api_client, event, member.email)
    assert fresh.status_code == known.status_code == 409
    assert fresh.json() == known.json()


def test_the_owner_gets_the_link_by_email_and_it_opens_the_ticket(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.STRIPE_SECRET_KEY = "sk_test_e2e"  # noqa: S105
    event = EventFactory(price=Decimal("5"))
    with django_capture_on_commit_callbacks(execute=True):
        site_book(client, event, "ana@example.com", payment="online:stripe")
    ticket = Ticket.objects.get(event=event)
    assert ticket.status == TicketStatus.PENDING_PAYMENT
    [message] = mailoutbox
    # Unpaid: the email says so and carries no QR code (tickets/ticket_state.py).
    assert "Payment pending" in message.subject
    assert "Pay €5.00 online to confirm it" in message.body
    assert not message.attachments
    assert manage_path(ticket) in message.body
    other_browser = client.__class__()
    assert other_browser.get(manage_path(ticket)).url == ticket.get_absolute_url()
    page = other_browser.get(ticket.get_absolute_url())
    assert page.status_code == 200 and "Pay now" in page.content.decode()
    ticket.refresh_from_db()
    assert ticket.holder_confirmed_at is None  # paying, or "Yes, I'm coming", does
