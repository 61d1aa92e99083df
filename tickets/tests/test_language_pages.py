from decimal import Decimal

import pytest
from django.urls import reverse

from community.languages import user_set_languages
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets import services
from tickets.models import Ticket, WaitingListEntry
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def split_event(**kwargs):
    return EventFactory(capacity=5, seats_es_native=2, seats_en_native=2, **kwargs)


def native(language):
    user = UserFactory()
    user_set_languages(user=user, skills=[{"language": language, "kind": "native"}])
    return user


def test_event_page_shows_seats_left_per_side(client, django_assert_max_num_queries):
    event = split_event()
    services.ticket_book(event=event, user=native("es"))
    with django_assert_max_num_queries(10):
        html = client.get(event.get_absolute_url()).content.decode()
    assert "Native Spanish speakers" in html and "Native English speakers" in html
    assert "2 seats left" in html  # Spanish: 1 own + 1 flexible
    assert "3 seats left" in html  # English: 2 own + 1 flexible
    assert 'name="side"' in html  # a visitor chooses their side


def test_member_with_profile_books_their_side_without_choosing(client):
    user = native("en")
    event = split_event()
    client.force_login(user)
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'name="side"' not in html
    assert "Your profile puts you with: Native English speakers." in html
    client.post(reverse("tickets:book", kwargs={"event_id": event.pk}))
    assert Ticket.objects.get(user=user).side == "en"


def test_visitor_books_the_side_chosen_on_the_form(client):
    event = split_event()
    response = client.post(
        reverse("tickets:book", kwargs={"event_id": event.pk}),
        {"name": "Jo", "email": "jo@example.com", "side": "en"},
    )
    assert response.status_code == 302
    assert Ticket.objects.get(attendee_email="jo@example.com").side == "en"


def test_member_whose_side_is_full_sees_its_waiting_list(client):
    event = split_event()
    for _ in range(3):
        services.ticket_book(event=event, user=native("es"))
    user = native("es")
    client.force_login(user)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Sold out" in html
    client.post(reverse("tickets:waitlist-join", kwargs={"event_id": event.pk}))
    assert WaitingListEntry.objects.get(user=user).side == "es"


def test_member_who_must_pay_ahead_is_not_offered_the_door(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.NO_SHOW_LIMIT = 1
    user = UserFactory()
    starts = timezone.now() - timedelta(days=2)
    TicketFactory(
        user=user,
        event=EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=1)),
    )
    client.force_login(user)
    html = client.get(
        EventFactory(price=Decimal("5")).get_absolute_url()
    ).content.decode()
    assert 'value="door"' not in html
    assert "please pay ahead" in html


def test_api_books_the_side_given_and_returns_it(api_client, member):
    event = split_event()
    api_client.force_authenticate(member)
    response = api_client.post(
        "/api/tickets", {"event": str(event.pk), "side": "en"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["side"] == "en"
