from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, EventStatus
from events.tests.factories import EventFactory
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

NEW_EVENT = {
    "title_es": "Taller de verbos",
    "title_en": "Verb workshop",
    "starts_at": "2030-05-01T17:00:00Z",
    "ends_at": "2030-05-01T19:00:00Z",
    "price": "10.00",
    "currency": "EUR",
    "capacity": 12,
    "status": "published",
}


def test_public_list_shows_published_only(api_client):
    EventFactory(title_en="Open")
    EventFactory(title_en="Hidden", status=EventStatus.DRAFT)
    body = api_client.get("/api/events").json()
    assert [e["title_en"] for e in body["results"]] == ["Open"]
    assert set(body) == {"count", "next", "previous", "results"}


def test_staff_see_every_status(auth_client, organizer):
    EventFactory(status=EventStatus.DRAFT)
    EventFactory()
    assert auth_client(organizer).get("/api/events").json()["count"] == 2


def test_list_filters_by_date_range_and_status(auth_client, organizer):
    soon = EventFactory(starts_at=timezone.now() + timedelta(days=1))
    EventFactory(starts_at=timezone.now() + timedelta(days=30))
    EventFactory(status=EventStatus.CANCELLED)
    client = auth_client(organizer)
    before = (timezone.now() + timedelta(days=2)).isoformat()
    body = client.get(
        "/api/events", {"starts_before": before, "status": "published"}
    ).json()
    assert [e["id"] for e in body["results"]] == [str(soon.id)]


def test_bad_filter_is_a_clear_400(api_client):
    response = api_client.get("/api/events", {"starts_after": "next tuesday"})
    assert response.status_code == 400
    assert "starts_after" in response.json()["error"]["fields"]


def test_paths_work_with_and_without_trailing_slash(api_client):
    event = EventFactory()
    assert api_client.get("/api/events").status_code == 200
    assert api_client.get("/api/events/").status_code == 200
    assert api_client.get(f"/api/events/{event.id}").status_code == 200
    assert api_client.get(f"/api/events/{event.id}/").status_code == 200


def test_title_follows_accept_language_with_fallback(api_client):
    event = EventFactory(title_es="Hola", title_en="Hello")
    english = api_client.get(
        f"/api/events/{event.id}", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    spanish = api_client.get(
        f"/api/events/{event.id}", HTTP_ACCEPT_LANGUAGE="es"
    ).json()
    assert (english["title"], spanish["title"]) == ("Hello", "Hola")
    assert english["title_es"] == "Hola" and english["title_en"] == "Hello"
    only_es = EventFactory(title_es="Solo", title_en="")
    assert (
        api_client.get(f"/api/events/{only_es.id}", HTTP_ACCEPT_LANGUAGE="en").json()[
            "title"
        ]
        == "Solo"
    )


def test_anonymous_cannot_create(api_client):
    response = api_client.post("/api/events", NEW_EVENT, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("role", ["member", "volunteer"])
def test_members_and_volunteers_cannot_write(auth_client, role, request):
    user = request.getfixturevalue(role)
    event = EventFactory()
    client = auth_client(user)
    assert client.post("/api/events", NEW_EVENT, format="json").status_code == 403
    assert (
        client.put(
            f"/api/events/{event.id}", {"capacity": 5}, format="json"
        ).status_code
        == 403
    )
    assert client.delete(f"/api/events/{event.id}").status_code == 403


@pytest.mark.parametrize("role", ["organizer", "admin_user"])
def test_organizers_and_admins_create_update_delete(auth_client, role, request):
    client = auth_client(request.getfixturevalue(role))
    created = client.post("/api/events", NEW_EVENT, format="json")
    assert created.status_code == 201, created.json()
    event_id = created.json()["id"]
    assert created.json()["slug"] == "verb-workshop"
    updated = client.put(f"/api/events/{event_id}", {"capacity": 30}, format="json")
    assert updated.json()["capacity"] == 30
    assert client.delete(f"/api/events/{event_id}").status_code == 204
    assert not Event.objects.filter(pk=event_id).exists()


def test_plain_title_is_stored_in_default_language(auth_client, organizer, settings):
    payload = {k: v for k, v in NEW_EVENT.items() if not k.startswith("title")}
    payload.update(title="Charla", description="Una charla")
    body = auth_client(organizer).post("/api/events", payload, format="json").json()
    assert body[f"title_{settings.LANGUAGE_CODE}"] == "Charla"
    assert body[f"description_{settings.LANGUAGE_CODE}"] == "Una charla"


def test_delete_with_tickets_cancels_instead(auth_client, organizer):
    event = EventFactory()
    TicketFactory(event=event)
    response = auth_client(organizer).delete(f"/api/events/{event.id}")
    assert response.status_code == 200
    assert "cancelled instead of deleted" in response.json()["detail"]
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED


def test_invalid_event_gets_field_errors(auth_client, organizer):
    payload = {
        **NEW_EVENT,
        "ends_at": "2030-05-01T16:00:00Z",
        "currency": "ZZZ",
        "capacity": 0,
    }
    response = auth_client(organizer).post("/api/events", payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert {"capacity"} <= set(error["fields"])
    assert not Event.objects.exists()


def test_rules_enforced_by_model_validation_reach_the_client(auth_client, organizer):
    payload = {**NEW_EVENT, "ends_at": "2030-05-01T16:00:00Z", "price": "1.5"}
    payload["currency"] = "JPY"  # no minor units: "1.5" has too many decimals
    response = auth_client(organizer).post("/api/events", payload, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "ends_at" in fields and "price" in fields


def test_a_currency_that_is_not_iso_4217_is_refused(auth_client, organizer):
    payload = {**NEW_EVENT, "currency": "ZZZ"}
    response = auth_client(organizer).post("/api/events", payload, format="json")
    assert response.status_code == 400
    assert "ZZZ" in response.json()["error"]["fields"]["currency"][0]


def test_unknown_event_is_json_404(api_client):
    response = api_client.get("/api/events/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_api_path_is_json_404(api_client):
    response = api_client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_list_query_count_is_fixed(api_client, django_assert_max_num_queries):
    EventFactory.create_batch(3)
    with django_assert_max_num_queries(2):
        api_client.get("/api/events")
    EventFactory.create_batch(15)
    with django_assert_max_num_queries(2):
        api_client.get("/api/events")


def test_schema_and_docs_are_served(api_client):
    schema = api_client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/events" in schema.content
    assert api_client.get("/api/docs/").status_code == 200
