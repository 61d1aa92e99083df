"""The API answers as its OpenAPI schema says (what `make fuzz` checks at scale)."""

import datetime

import pytest
from django.core.management import call_command

from events.tests.factories import EventFactory


@pytest.mark.parametrize(
    "query",
    [
        "page_size=abc",
        "page_size=0",
        "page_size=101",
        "page=",
        "page_size=5&page_size=6",
    ],
)
def test_bad_paging_is_refused_not_ignored(query, auth_client, organizer):
    response = auth_client(organizer).get(f"/api/users/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_a_page_past_the_end_is_not_found(api_client, db):
    assert api_client.get("/api/events/?page=999999999999").status_code == 404


@pytest.mark.parametrize("query", ["status=", "status=published&status=draft"])
def test_empty_or_repeated_filter_is_refused(query, api_client, db):
    assert api_client.get(f"/api/events/?{query}").status_code == 400


def test_an_id_that_is_not_a_uuid_is_not_found(api_client, db):
    response = api_client.get("/api/events/000000000000000000000000000000000000/")
    assert response.status_code == 404


@pytest.mark.parametrize("field,value", [("show_ticket", 0), ("label_ticket", 0)])
def test_json_types_are_strict(field, value, auth_client, organizer):
    response = auth_client(organizer).patch(
        "/api/settings/iframe/", {field: value}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_form_bodies_are_refused(auth_client, organizer):
    response = auth_client(organizer).patch(
        "/api/settings/iframe/", {"show_ticket": "0"}, format="multipart"
    )
    assert response.status_code == 415


def test_export_refusal_is_json_whatever_the_format(auth_client, member, db):
    event = EventFactory()
    response = auth_client(member).get(
        f"/api/events/{event.pk}/attendees.csv?format=xlsx"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_ancient_times_still_read_as_rfc3339(auth_client, organizer):
    start = datetime.datetime(96, 3, 18, 7, 2, tzinfo=datetime.UTC)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    body = auth_client(organizer).get(f"/api/events/{event.pk}/").json()
    assert body["starts_at"] == "0096-03-18T07:02:00Z"


def test_schema_generates_without_warnings(tmp_path, capsys):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
