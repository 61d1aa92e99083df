"""Issue 13 review, from the attacker's side: the waiting-list form used to learn
whether an address holds a ticket (or which side of a language-split event its
owner is native on), and to create accounts without any limit."""

import pytest
from django.urls import reverse

from community.models import AuditLog, LanguageSkill, User
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets.models import Ticket, WaitingListEntry
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def join(client, event, email, *, ip="203.0.113.20", **extra):
    return client.post(
        reverse("tickets:waitlist-join", kwargs={"event_id": event.pk}),
        {"name": "Stranger", "email": email, **extra},
        REMOTE_ADDR=ip,
    )


def answer(client_class, event, email, **extra):
    """What a stranger's fresh browser is told: status, where it is sent, and the
    messages shown there, with the typed address blanked out."""
    browser = client_class()
    response = join(browser, event, email, **extra)
    shown = browser.get(response.url) if response.status_code == 302 else response
    messages = [str(m).replace(email, "X") for m in shown.context["messages"]]
    return response.status_code, response.get("Location"), messages


def test_waitlist_answer_is_the_same_for_a_fresh_address_and_one_holding_a_ticket(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    held = TicketFactory(event=event, user=member)  # the only seat: sold out
    fresh = answer(client.__class__, event, "fresh@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = answer(client.__class__, event, member.email)
    assert fresh == known
    assert fresh[0] == 302 and fresh[1] == event.get_absolute_url()
    assert fresh[2]  # a message was shown…
    assert "already have a ticket" not in " ".join(known[2])  # …that tells nothing
    # The outcome goes to the address: its owner gets their ticket's link again.
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert held.display_code in mailoutbox[0].body
    assert not WaitingListEntry.objects.filter(user=member).exists()
    assert WaitingListEntry.objects.filter(email="fresh@example.com").exists()


def test_waitlist_answer_hides_which_side_a_member_is_native_on(client, member):
    # Split event: the Spanish side is full, the English side has seats.
    event = EventFactory(capacity=2, seats_es_native=1, seats_en_native=1)
    TicketFactory(event=event, side="es")
    LanguageSkill.objects.create(user=member, language="en", kind="native")
    fresh = answer(client.__class__, event, "fresh@example.com", side="es")
    known = answer(client.__class__, event, member.email, side="es")
    assert fresh == known
    assert "Seats are available" not in " ".join(known[2])


def test_waitlist_answer_is_the_same_for_a_deactivated_account(client):
    gone = UserFactory(email="gone@example.com", is_active=False)
    event = EventFactory(capacity=1)
    TicketFactory(event=event)
    fresh = answer(client.__class__, event, "fresh@example.com")
    known = answer(client.__class__, event, gone.email)
    assert fresh == known
    assert not WaitingListEntry.objects.filter(user=gone).exists()
    assert AuditLog.objects.filter(
        action="waitlist.join_withheld", target_id=str(gone.pk)
    ).exists()


def test_seats_available_is_still_said_to_anyone(client, member):
    # Whether the event has seats is public: the same answer for every address.
    event = EventFactory(capacity=5)
    TicketFactory(event=event, user=member)
    fresh = answer(client.__class__, event, "fresh@example.com")
    known = answer(client.__class__, event, member.email)
    assert fresh == known
    assert "Seats are available" in " ".join(fresh[2])


def test_anonymous_waitlist_joins_from_one_ip_stop_at_the_booking_limit(
    client, settings
):
    settings.BOOKING_RATE_LIMIT_PER_IP = 10
    event = EventFactory(capacity=1)
    TicketFactory(event=event)
    users_before = User.objects.count()
    statuses = [
        join(client, event, f"bot{i}@example.com").status_code for i in range(15)
    ]
    assert statuses == [302] * 10 + [429] * 5
    assert User.objects.count() - users_before == 10
    assert WaitingListEntry.objects.filter(event=event).count() == 10
    refused = join(client, event, "one-more@example.com")
    assert "Too many bookings" in refused.content.decode()


def test_anonymous_waitlist_joins_for_one_address_stop_at_the_per_email_limit(
    client, settings
):
    settings.BOOKING_RATE_LIMIT_PER_EMAIL = 3
    event = EventFactory(capacity=1)
    TicketFactory(event=event)
    statuses = [
        join(client, event, "victim@example.com", ip=f"198.51.100.{i}").status_code
        for i in range(5)
    ]
    assert statuses == [302] * 3 + [429] * 2


def test_signed_in_members_still_hear_they_hold_a_ticket(client, member):
    event = EventFactory(capacity=1)
    TicketFactory(event=event, user=member)
    client.force_login(member)
    response = join(client, event, "")
    page = client.get(response.url).content.decode()
    assert "You already have a ticket for this event." in page
    assert not Ticket.objects.filter(event=event).exclude(user=member).exists()
