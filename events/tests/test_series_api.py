from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from events.models import EventSeries, EventStatus
from events.services import series_create
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int):
    day = timezone.localdate() + timedelta(days=1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def make_series(**fields):
    return series_create(
        **{
            "title_en": "Tuesday exchange",
            "start_date": next_weekday(1),
            "start_time": time(19, 0),
            "count": 4,
            **fields,
        }
    )


def payload(**fields):
    return {
        "title": "Intercambio",
        "start_date": next_weekday(1).isoformat(),
        "start_time": "19:00",
        "duration_minutes": 120,
        "frequency": "biweekly",
        "count": 3,
        "price": "5.00",
        "currency": "EUR",
        "capacity": 12,
        **fields,
    }


def test_anyone_lists_public_series_but_not_drafts(api_client):
    make_series()
    make_series(slug="secret", session_status=EventStatus.DRAFT)
    body = api_client.get("/api/series").json()
    assert [s["slug"] for s in body["results"]] == ["tuesday-exchange"]
    assert body["results"][0]["next_starts_at"] is not None


def test_organizer_lists_drafts_too(auth_client, organizer):
    make_series()
    make_series(slug="secret", session_status=EventStatus.DRAFT)
    body = auth_client(organizer).get("/api/series/").json()
    assert {s["slug"] for s in body["results"]} == {"tuesday-exchange", "secret"}


def test_series_detail_lists_upcoming_sessions_with_seats(api_client):
    series = make_series(capacity=5)
    first = series.sessions.order_by("starts_at").first()
    TicketFactory(event=first)
    body = api_client.get(f"/api/series/{series.pk}").json()
    assert body["title"] == "Tuesday exchange"
    assert body["frequency"] == "weekly"
    assert [s["seats_left"] for s in body["sessions"]] == [4, 5, 5, 5]
    assert body["sessions"][0]["id"] == str(first.pk)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 401),
        ("member", 403),
        ("volunteer", 403),
        ("organizer", 201),
        ("admin", 201),
    ],
)
def test_create_series_per_role(
    role, expected, api_client, auth_client, request, settings
):
    client = (
        auth_client(request.getfixturevalue("admin_user" if role == "admin" else role))
        if role
        else api_client
    )
    response = client.post("/api/series", payload(), format="json")
    assert response.status_code == expected
    if expected == 201:
        body = response.json()
        # A plain `title` is stored in the site's default language.
        assert body[f"title_{settings.LANGUAGE_CODE}"] == "Intercambio"
        assert body["duration_minutes"] == 120
        assert len(body["sessions"]) == 3
        dates = [s["occurrence_date"] for s in body["sessions"]]
        assert dates[1] == (next_weekday(1) + timedelta(weeks=2)).isoformat()


def test_create_refuses_an_unknown_time_zone(auth_client, organizer):
    response = auth_client(organizer).post(
        "/api/series", payload(time_zone="Europe/Atlantis"), format="json"
    )
    assert response.status_code == 400
    assert "time_zone" in response.json()["error"]["fields"]


def test_put_changes_all_future_sessions(auth_client, organizer, member):
    series = make_series()
    url = f"/api/series/{series.pk}"
    assert (
        auth_client(member).put(url, {"venue_name": "X"}, format="json").status_code
        == 403
    )
    response = auth_client(organizer).put(
        url, {"venue_name": "Bar Sol", "start_time": "20:30"}, format="json"
    )
    assert response.status_code == 200
    for session in series.sessions.all():
        assert session.venue_name == "Bar Sol"
        assert timezone.localtime(session.starts_at).time() == time(20, 30)
        assert session.sequence == 1


def test_skip_a_date_per_role(api_client, auth_client, volunteer, organizer):
    series = make_series()
    day = series.sessions.order_by("starts_at")[1].occurrence_date.isoformat()
    url = f"/api/series/{series.pk}/skip"
    assert api_client.post(url, {"date": day}, format="json").status_code == 401
    assert auth_client(volunteer).post(url, {"date": day}).status_code == 403
    response = auth_client(organizer).post(url, {"date": day}, format="json")
    assert response.status_code == 200
    assert response.json()["skipped_dates"] == [day]
    assert day not in {s["occurrence_date"] for s in response.json()["sessions"]}
    bad = auth_client(organizer).post(url + "/", {"date": "2000-01-01"}, format="json")
    assert bad.status_code == 400
    assert EventSeries.objects.get(pk=series.pk).skipped_dates == [day]


def test_list_query_count_is_fixed(api_client, django_assert_max_num_queries):
    for n in range(5):
        make_series(slug=f"s{n}")
    with django_assert_max_num_queries(2):
        assert api_client.get("/api/series").status_code == 200


def test_a_session_begun_centuries_ago_still_reads_as_rfc3339(auth_client, organizer):
    # Found by `make fuzz`: a session from 1667 that runs until next week is the
    # series' next one, and Madrid's offset that year (-00:14:44) has seconds,
    # which RFC 3339 cannot write: the answer gives it in UTC.
    series = make_series(count=1, session_status=EventStatus.PUBLISHED)
    session = series.sessions.get()
    start = datetime(1667, 8, 21, 18, 44, tzinfo=UTC)
    session.starts_at, session.ends_at = start, timezone.now() + timedelta(days=7)
    session.save(update_fields=["starts_at", "ends_at"])

    body = auth_client(organizer).get(f"/api/series/{series.pk}").json()

    assert body["next_starts_at"] == "1667-08-21T18:44:00Z"
