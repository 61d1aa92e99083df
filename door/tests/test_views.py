import pytest
from django.urls import reverse
from django.utils import translation

from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def _en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def test_service_worker_may_control_the_door_pages(client):
    response = client.get("/door-sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert "/static/door/checkin.js" in body
    assert "caches.open" in body


def test_web_manifest_opens_the_door_list(client):
    response = client.get(_en("door:manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["start_url"] == _en("tickets:door")
    assert data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}


def test_door_page_is_installable_and_offline_ready(
    client, volunteer, django_assert_max_num_queries
):
    event = EventFactory()
    client.force_login(volunteer)
    with django_assert_max_num_queries(12):
        response = client.get(_en("tickets:door-event", event_id=event.pk))
    page = response.content.decode()
    assert 'rel="manifest"' in page
    assert f'data-manifest-url="/api/door/events/{event.pk}/manifest"' in page
    assert 'data-sw-url="/door-sw.js"' in page
    assert "Walk-in" in page
    assert "<script>" not in page  # CSP: no inline scripts
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp


def test_members_get_403_on_door_pages(client, member):
    event = EventFactory()
    client.force_login(member)
    for url in (
        _en("tickets:door-event", event_id=event.pk),
        _en("door:walkin", event_id=event.pk),
        _en("door:cashup", event_id=event.pk),
    ):
        assert client.get(url).status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    event = EventFactory()
    response = client.get(_en("door:cashup", event_id=event.pk))
    assert response.status_code == 302
    assert "login" in response["Location"]
