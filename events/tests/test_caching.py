"""Shared caching of public pages (events/caching.py): fresh after changes, never
carrying one visitor's data to another."""

import pytest
from django.urls import reverse
from django.utils import translation

from events import services
from events.models import EventStatus
from events.tests.factories import EventFactory
from tickets.services import ticket_book

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)


def test_publishing_an_event_shows_it_on_home_and_list_at_once(
    client, organizer, django_capture_on_commit_callbacks
):
    draft = EventFactory(title_en="Poetry night", status=EventStatus.DRAFT)
    assert "Poetry night" not in client.get(url("events:home")).content.decode()
    assert "Poetry night" not in client.get(url("events:list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # as its commit does
        services.event_publish(event=draft, actor=organizer)

    assert "Poetry night" in client.get(url("events:home")).content.decode()
    assert "Poetry night" in client.get(url("events:list")).content.decode()


def test_booking_updates_seats_left_on_every_page_at_once(
    client, member, api_client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=5)
    detail = url("events:detail", slug=event.slug)
    assert "5 seats left" in client.get(url("events:home")).content.decode()
    assert "5 seats left" in client.get(detail).content.decode()
    assert api_client.get(f"/api/events/{event.pk}").json()["seats_left"] == 5

    with django_capture_on_commit_callbacks(execute=True):  # as its commit does
        ticket_book(event=event, user=member)

    assert "4 seats left" in client.get(url("events:home")).content.decode()
    assert "4 seats left" in client.get(url("events:list")).content.decode()
    assert "4 seats left" in client.get(detail).content.decode()
    assert api_client.get(f"/api/events/{event.pk}").json()["seats_left"] == 4
    assert api_client.get("/api/events").json()["results"][0]["seats_left"] == 4


def test_renaming_an_event_shows_on_its_page_at_once(
    client, organizer, django_capture_on_commit_callbacks
):
    event = EventFactory(title_en="Old name")
    detail = url("events:detail", slug=event.slug)
    assert "Old name" in client.get(detail).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # as its commit does
        services.event_update(event=event, title_en="New name", actor=organizer)

    html = client.get(detail).content.decode()
    assert "New name" in html
    assert "Old name" not in html


def test_cached_cards_carry_no_signed_in_visitors_data(client, member):
    EventFactory(title_en="Tapas night")
    client.force_login(member)
    signed_in = client.get(url("events:home")).content.decode()
    assert "Sign out" in signed_in
    assert "csrfmiddlewaretoken" in signed_in

    client.logout()
    anonymous = client.get(url("events:home")).content.decode()
    assert "Tapas night" in anonymous
    assert "Sign out" not in anonymous
    assert "csrfmiddlewaretoken" not in anonymous
    assert member.email not in anonymous


def test_signed_in_visitor_sees_own_state_after_anonymous_filled_the_cache(
    client, member
):
    event = EventFactory(title_en="Tapas night")
    detail = url("events:detail", slug=event.slug)
    client.get(detail)
    client.get(url("events:home"))
    ticket_book(event=event, user=member)

    client.force_login(member)
    assert "Sign out" in client.get(url("events:home")).content.decode()
    assert "You have a ticket for this event." in client.get(detail).content.decode()


def test_each_language_gets_its_own_cards(client):
    EventFactory(title_es="Noche de tapas", title_en="Tapas night")
    assert "Tapas night" in client.get(url("events:home", "en")).content.decode()
    html = client.get(url("events:home", "es")).content.decode()
    assert "Noche de tapas" in html
    assert "Tapas night" not in html


def test_api_list_cache_never_shows_drafts_to_the_public(
    api_client, auth_client, organizer, member
):
    EventFactory(title_en="Public one")
    EventFactory(title_en="Secret draft", status=EventStatus.DRAFT)
    titles = {
        e["title_en"]
        for e in auth_client(organizer).get("/api/events").json()["results"]
    }
    assert titles == {"Public one", "Secret draft"}

    for client in (api_client, auth_client(member)):
        results = client.get("/api/events").json()["results"]
        assert [e["title_en"] for e in results] == ["Public one"]

    titles = {
        e["title_en"]
        for e in auth_client(organizer).get("/api/events").json()["results"]
    }
    assert titles == {"Public one", "Secret draft"}


def test_api_list_filters_are_part_of_the_cache_key(api_client):
    EventFactory(title_en="Open")
    EventFactory(title_en="Called off", status=EventStatus.CANCELLED)
    assert api_client.get("/api/events").json()["count"] == 1
    assert api_client.get("/api/events?status=cancelled").json()["count"] == 0
    assert (
        api_client.get("/api/events?page_size=1").json()["results"][0]["title_en"]
        == "Open"
    )


def test_pages_work_when_the_cache_is_down(client, settings):
    EventFactory(title_en="Tapas night")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get(url("events:home"))
    assert response.status_code == 200
    assert "Tapas night" in response.content.decode()


def test_cache_can_be_switched_off(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    event = EventFactory(title_en="Tapas night", capacity=3)
    client.get(url("events:home"))
    # A bulk update sends no signal; with the cache off it shows at once anyway.
    type(event).objects.filter(pk=event.pk).update(capacity=9)
    assert "9 seats left" in client.get(url("events:home")).content.decode()


def test_home_needs_no_query_once_cached(client, django_assert_num_queries):
    EventFactory.create_batch(3)
    client.get(url("events:home"))
    client.get(url("events:list"))
    with django_assert_num_queries(0):
        client.get(url("events:home"))
    with django_assert_num_queries(0):
        client.get(url("events:list"))
