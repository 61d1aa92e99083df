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
    local = timezone.localtime(event.starts_at)
    assert f"{local:%A} {local.day} {local:%B} {local.year}" in html  # English names
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
def test_event_page_shows_add_to_calendar_links(client):
    event = EventFactory()
    html = client.get(f"/en/events/{event.slug}/").content.decode()
    assert f"/track/{event.public_id}/google?lang=en" in html
    assert f"/track/{event.public_id}/outlook?lang=en&amp;to=office" in html
    assert f"/track/{event.public_id}/ics?lang=en" in html


@pytest.mark.django_db
def test_privacy_page_says_no_ip_or_user_agent_is_stored(rf):
    from django.utils import translation

    from calendars.views import privacy

    request = rf.get("/en/privacy/")
    with translation.override("en"):
        html = privacy(request).content.decode()
    assert "Your IP address." in html
    assert "user agent" in html
