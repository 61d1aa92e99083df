import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from events.models import EventStatus
from events.tests.factories import EventFactory
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def url(name, lang, **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("es", "Habla español e inglés con gente de verdad"),
        ("en", "Speak Spanish and English with real people"),
    ],
)
def test_home_is_translated(client, lang, heading):
    EventFactory(title_es="Noche de tapas", title_en="Tapas night")
    response = client.get(url("events:home", lang))
    html = response.content.decode()
    assert response.status_code == 200
    assert heading in html
    assert f'<html lang="{lang}">' in html
    assert ("Noche de tapas" if lang == "es" else "Tapas night") in html


def test_root_redirects_by_accept_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-ES")
    assert response["Location"].startswith("/es/")


def test_language_switcher_links_to_same_page(client):
    event = EventFactory()
    html = client.get(url("events:detail", "en", slug=event.slug)).content.decode()
    assert f'href="/es/events/{event.slug}/"' in html


def test_drafts_are_not_public(client):
    draft = EventFactory(status=EventStatus.DRAFT, title_en="Secret plan")
    assert "Secret plan" not in client.get(url("events:list", "en")).content.decode()
    assert client.get(url("events:detail", "en", slug=draft.slug)).status_code == 404


def test_list_separates_upcoming_and_past(client):
    now = timezone.now()
    EventFactory(title_en="Future one")
    EventFactory(
        title_en="Old one",
        starts_at=now - timedelta(days=10),
        ends_at=now - timedelta(days=10) + timedelta(hours=2),
        status=EventStatus.COMPLETED,
    )
    upcoming = client.get(url("events:list", "en")).content.decode()
    past = client.get(url("events:list", "en") + "?when=past").content.decode()
    assert "Future one" in upcoming and "Old one" not in upcoming
    assert "Old one" in past and "Future one" not in past


def test_list_is_paginated(client):
    EventFactory.create_batch(15)
    first = client.get(url("events:list", "en"))
    assert len(first.context["events"]) == 12
    second = client.get(url("events:list", "en") + "?page=2")
    assert len(second.context["events"]) == 3


def test_detail_shows_seats_left_and_map(client):
    event = EventFactory(capacity=10, map_url="https://maps.example/x")
    TicketFactory.create_batch(3, event=event)
    html = client.get(url("events:detail", "en", slug=event.slug)).content.decode()
    assert "7 seats left" in html
    assert "https://maps.example/x" in html


def test_sold_out_event_says_so(client):
    event = EventFactory(capacity=1)
    TicketFactory(event=event)
    html = client.get(url("events:detail", "es", slug=event.slug)).content.decode()
    assert "Agotado" in html


@pytest.mark.parametrize("name", ["events:home", "events:list"])
def test_pages_run_fixed_queries_whatever_the_number_of_events(
    client, django_assert_max_num_queries, name
):
    EventFactory.create_batch(2)
    with django_assert_max_num_queries(3) as few:
        client.get(url(name, "en"))
    EventFactory.create_batch(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(name, "en"))


def test_detail_page_query_count(client, django_assert_max_num_queries):
    event = EventFactory()
    TicketFactory.create_batch(5, event=event)
    with django_assert_max_num_queries(3):
        client.get(url("events:detail", "en", slug=event.slug))


def test_about_page_in_both_languages(client):
    assert "Spanglish" in client.get(url("events:about", "en")).content.decode()
    assert "Cómo funciona" in client.get(url("events:about", "es")).content.decode()


def test_pages_carry_a_csp_with_a_nonce_policy(client):
    response = client.get(url("events:home", "en"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_event_page_names_its_zone_as_a_city_never_as_an_iana_name(client):
    event = EventFactory()
    for lang, city in (("en", "Madrid time"), ("es", "hora de Madrid")):
        html = client.get(url("events:detail", lang, slug=event.slug)).content.decode()
        assert city in html  # shown by static/events/event.js to visitors elsewhere
        assert "Europe/Madrid" not in re.sub(r"<[^>]+>", "", html)


def test_place_links_to_a_map_search_when_no_map_link_was_given(client):
    event = EventFactory(map_url="", venue_address="Plaza Mayor 1, Madrid")
    html = client.get(url("events:detail", "en", slug=event.slug)).content.decode()
    assert "https://www.google.com/maps/search/?api=1&amp;query=" in html
    assert "Plaza+Mayor+1%2C+Madrid" in html


def test_cards_show_price_by_locale_and_a_drawn_picture_without_banner(client):
    from decimal import Decimal

    EventFactory(price=Decimal("15.00"), currency="EUR")
    es = client.get(url("events:home", "es")).content.decode()
    en = client.get(url("events:home", "en")).content.decode()
    assert "15,00\xa0€" in es and "€15.00" in en
    assert "EUR" not in es and "EUR" not in en
    assert '<svg class="art art-card"' in en


def test_drawn_pictures_have_one_id_each_even_for_sessions_of_a_series(client):
    from events.tests.test_series_pages import make_series

    make_series(count=4)
    html = client.get(url("events:home", "en")).content.decode()
    ids = re.findall(r'<linearGradient id="([^"]+)"', html)
    assert len(ids) >= 4
    assert len(ids) == len(set(ids))
