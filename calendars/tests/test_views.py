import pytest
from django.core.cache import cache
from django.utils import timezone

from calendars.models import Click
from events.models import EventStatus
from events.tests.factories import EventFactory


def _frameable(response) -> bool:
    csp = response.get("Content-Security-Policy", "")
    return "X-Frame-Options" not in response and "frame-ancestors *" in csp


@pytest.mark.django_db
def test_widget_calendar_and_tracking_routes_may_be_framed_with_open_cors(client):
    event = EventFactory()
    for url in [
        f"/widget/event/{event.public_id}",
        f"/calendar/{event.public_id}/download.ics",
        "/calendar.ics",
        f"/track/{event.public_id}/google",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert _frameable(response), url
        assert response["Access-Control-Allow-Origin"] == "*", url


@pytest.mark.django_db
def test_event_pages_admin_and_api_refuse_framing(client):
    event = EventFactory()
    for url in [f"/en/events/{event.slug}/", "/en/", "/api/events", "/admin/login/"]:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert "Access-Control-Allow-Origin" not in response, url


@pytest.mark.django_db
def test_widget_shows_event_date_seats_and_buttons(
    client, django_assert_max_num_queries
):
    event = EventFactory(title_en="Tapas night", capacity=12)
    with django_assert_max_num_queries(4):
        response = client.get(f"/widget/event/{event.public_id}?lang=en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Tapas night" in html
    assert "12 seats left" in html
    assert "Free" in html
    local = timezone.localtime(event.starts_at)
    assert f"{local:%a} {local.day} {local:%b}" in html  # English names
    for kind in ("google", "outlook", "ics", "ticket"):
        assert f'href="/track/{event.public_id}/{kind}?lang=en"' in html
    assert 'target="_blank" rel="noopener"' in html
    assert "<script" not in html
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_widget_language_follows_lang_parameter(client):
    event = EventFactory(title_en="Tapas night", title_es="Noche de tapas")
    assert "Noche de tapas" in client.get(
        f"/widget/event/{event.public_id}?lang=es"
    ).content.decode("utf-8")
    assert "Tapas night" in client.get(
        f"/widget/event/{event.public_id}?lang=en"
    ).content.decode("utf-8")


@pytest.mark.django_db
def test_widget_of_a_draft_event_is_not_found(client):
    event = EventFactory(status=EventStatus.DRAFT)
    assert client.get(f"/widget/event/{event.public_id}").status_code == 404


@pytest.mark.django_db
def test_tracking_redirects_to_each_target_and_counts(client):
    event = EventFactory(slug="tapas")
    targets = {
        "google": "https://calendar.google.com/calendar/render?",
        "outlook": "https://outlook.live.com/calendar/0/action/compose?",
        "ics": f"/calendar/{event.public_id}/download.ics?lang=en",
        "ticket": "/en/events/tapas/",
    }
    for kind, target in targets.items():
        response = client.get(f"/track/{event.public_id}/{kind}?lang=en")
        assert response.status_code == 302
        assert target in response["Location"], kind
    office = client.get(f"/track/{event.public_id}/outlook?to=office")
    assert office["Location"].startswith("https://outlook.office.com/")
    counts = {
        kind: Click.objects.filter(event=event, type=kind).count() for kind in targets
    }
    assert counts == {"google": 1, "outlook": 2, "ics": 1, "ticket": 1}


@pytest.mark.django_db
def test_tracking_is_one_insert_once_the_event_is_cached(
    client, django_assert_num_queries
):
    event = EventFactory()
    client.get(f"/track/{event.public_id}/google")
    with django_assert_num_queries(1):
        response = client.get(f"/track/{event.public_id}/ics")
    assert response.status_code == 302


@pytest.mark.django_db
def test_tracking_unknown_type_or_event_is_404_and_records_nothing(client):
    event = EventFactory()
    assert client.get(f"/track/{event.public_id}/facebook").status_code == 404
    assert client.get("/track/nosuchevent/google").status_code == 404
    draft = EventFactory(status=EventStatus.DRAFT)
    assert client.get(f"/track/{draft.public_id}/google").status_code == 404
    assert not Click.objects.exists()


@pytest.mark.django_db
def test_tracking_stores_no_ip_or_user_agent(client):
    event = EventFactory()
    client.get(
        f"/track/{event.public_id}/google",
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="SecretBrowser/1.0",
    )
    click = Click.objects.get()
    stored = " ".join(str(getattr(click, f.attname)) for f in Click._meta.fields)
    assert "203.0.113.77" not in stored and "SecretBrowser" not in stored
    assert len(click.visitor) == 16


@pytest.mark.django_db
def test_same_visitor_same_day_has_one_hash_and_salt_change_unlinks(client):
    event = EventFactory()
    for _ in range(2):
        client.get(f"/track/{event.public_id}/google", REMOTE_ADDR="203.0.113.7")
    client.get(f"/track/{event.public_id}/google", REMOTE_ADDR="198.51.100.9")
    hashes = list(Click.objects.order_by("id").values_list("visitor", flat=True))
    assert hashes[0] == hashes[1] != hashes[2]
    cache.clear()  # the daily salt is gone: tomorrow's hash differs
    client.get(f"/track/{event.public_id}/google", REMOTE_ADDR="203.0.113.7")
    assert Click.objects.order_by("-id").first().visitor != hashes[0]


@pytest.mark.django_db
def test_tracking_is_rate_limited_per_client(client, settings):
    settings.CALENDAR_TRACK_RATE = "3/minute"
    event = EventFactory()
    url = f"/track/{event.public_id}/google"
    statuses = [
        client.get(url, REMOTE_ADDR="203.0.113.7").status_code for _ in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert client.get(url, REMOTE_ADDR="203.0.113.8").status_code == 302
    assert Click.objects.count() == 4


@pytest.mark.django_db
def test_head_request_redirects_without_counting(client):
    event = EventFactory()
    assert client.head(f"/track/{event.public_id}/google").status_code == 302
    assert not Click.objects.exists()


@pytest.mark.django_db
def test_event_page_leaves_calendar_links_to_the_ticket_page(client):
    event = EventFactory()
    html = client.get(f"/en/events/{event.slug}/").content.decode()
    assert f"/track/{event.public_id}/google" not in html
    assert "add-to-calendar" not in html


def _calendar_partial(event, rf) -> str:
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        return render_to_string(
            "calendars/_add_to_calendar.html", {"event": event}, rf.get("/")
        )


@pytest.mark.django_db
def test_calendar_links_are_folded_quietly_for_an_event_to_come(rf):
    event = EventFactory()
    html = _calendar_partial(event, rf)
    assert "<details" in html and "Add to your calendar" in html
    assert f"/track/{event.public_id}/google?lang=en" in html
    assert f"/track/{event.public_id}/outlook?lang=en&amp;to=office" in html
    assert f"/track/{event.public_id}/ics?lang=en" in html
    assert "button" not in html  # links in a disclosure, not four bright buttons


@pytest.mark.django_db
def test_no_calendar_links_for_past_or_cancelled_events(rf):
    from datetime import timedelta

    start = timezone.now() - timedelta(days=3)
    past = EventFactory(
        starts_at=start, ends_at=start + timedelta(hours=2), status="completed"
    )
    cancelled = EventFactory(status=EventStatus.CANCELLED)
    assert _calendar_partial(past, rf).strip() == ""
    assert _calendar_partial(cancelled, rf).strip() == ""


@pytest.mark.django_db
def test_privacy_page_says_no_ip_or_user_agent_is_stored(rf):
    from django.utils import translation

    from calendars.views import privacy

    request = rf.get("/en/privacy/")
    with translation.override("en"):
        html = privacy(request).content.decode()
    assert "Your IP address." in html
    assert "user agent" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "price", "seats"),
    [("es", "15,00\xa0€", "7 plazas"), ("en", "€15.00", "7 seats")],
)
def test_widget_shows_the_price_by_locale_and_seats_left(client, lang, price, seats):
    from decimal import Decimal

    from tickets.tests.factories import TicketFactory

    event = EventFactory(price=Decimal("15.00"), currency="EUR", capacity=10)
    TicketFactory.create_batch(3, event=event)
    html = client.get(f"/widget/event/{event.public_id}?lang={lang}").content.decode()
    assert price in html
    assert seats in html
    assert "EUR" not in html


@pytest.mark.django_db
def test_widget_of_a_past_event_offers_no_calendar_or_ticket_button(client):
    from datetime import timedelta

    start = timezone.now() - timedelta(days=2)
    event = EventFactory(
        starts_at=start, ends_at=start + timedelta(hours=2), status="completed"
    )
    html = client.get(f"/widget/event/{event.public_id}?lang=en").content.decode()
    assert "<h1" in html  # the title still links to the event page
    for kind in ("google", "outlook", "ics"):
        assert f"/track/{event.public_id}/{kind}" not in html
    assert "sw-ticket" not in html and "Get a ticket" not in html
    assert "already taken place" in html


@pytest.mark.django_db
def test_embed_height_grows_with_the_rows_the_widget_shows():
    from calendars.embed import widget_height

    bare = widget_height(())
    with_ticket = widget_height(("ticket",))
    full = widget_height(("google", "outlook", "ics", "ticket"))
    assert bare < with_ticket < full
    assert widget_height(("google",)) == widget_height(("google", "outlook", "ics"))
