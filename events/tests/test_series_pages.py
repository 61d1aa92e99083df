import re
from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from events.models import EventStatus, SeriesFrequency
from events.services import series_create, series_generate_sessions, session_skip
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)


def make_series(**fields):
    tomorrow = timezone.localdate() + timedelta(days=1)
    return series_create(
        **{
            "title_en": "Tuesday exchange",
            "title_es": "Intercambio del martes",
            "description_en": "Practise Spanish and English over a drink.",
            "venue_name": "Café Central",
            "start_date": tomorrow,
            "start_time": time(19, 0),
            "frequency": SeriesFrequency.WEEKLY,
            "capacity": 10,
            "currency": "EUR",
            **fields,
        }
    )


def test_series_page_puts_the_next_session_up_front(client):
    series = make_series()
    first = series.sessions.order_by("starts_at").first()
    TicketFactory(event=first)
    html = client.get(url("events:series-detail", slug=series.slug)).content.decode()
    assert "<h1>Tuesday exchange</h1>" in html
    assert "Next session" in html
    assert first.get_absolute_url() in html
    assert "9 seats left" in html  # the booked one
    assert "10 seats left" in html  # the others
    assert html.count('class="cta"') == 1
    # The zone is a city's name, and only for visitors elsewhere (static/events).
    assert "Europe/Madrid" not in re.sub(r"<[^>]+>", "", html)
    assert "Madrid time" in html


def test_series_page_query_count_does_not_grow_with_sessions(
    client, django_assert_max_num_queries
):
    short = make_series(count=2, slug="short")
    long = make_series(slug="long")
    for session in long.sessions.all()[:5]:
        TicketFactory(event=session)
    client.get(url("events:series-detail", slug=short.slug))  # warm caches
    with django_assert_max_num_queries(6) as few:
        client.get(url("events:series-detail", slug=short.slug))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("events:series-detail", slug=long.slug))
    assert response.content.decode().count("seats left") >= 12


def test_skipped_booked_session_shows_as_cancelled(client):
    series = make_series(count=3)
    second = series.sessions.order_by("starts_at")[1]
    TicketFactory(event=second)
    session_skip(series=series, day=second.occurrence_date)
    html = client.get(url("events:series-detail", slug=series.slug)).content.decode()
    assert "Cancelled" in html


def test_draft_series_is_not_public(client):
    series = make_series(session_status=EventStatus.DRAFT)
    response = client.get(url("events:series-detail", slug=series.slug))
    assert response.status_code == 404
    listing = client.get(url("events:series-list")).content.decode()
    assert "Tuesday exchange" not in listing


def test_series_list_shows_the_rule_and_next_date(
    client, django_assert_max_num_queries
):
    make_series()
    make_series(slug="other", title_en="Friday socials")
    with django_assert_max_num_queries(4):
        html = client.get(url("events:series-list")).content.decode()
    assert "Tuesday exchange" in html and "Friday socials" in html
    assert "at 19:00" in html
    assert "Next:" in html


def test_daily_command_extends_open_series(capsys):
    series = make_series()
    series.sessions.order_by("-starts_at").first().delete()
    call_command("generate_series_sessions")
    assert "1 session(s) generated." in capsys.readouterr().out
    assert series.sessions.count() == 12
    assert series_generate_sessions(series=series) == []
