from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from calendars.models import Click, EventWidgetSettings, WidgetSettings
from events.tests.factories import EventFactory
from tickets.models import TicketStatus
from tickets.tests.factories import TicketFactory

INJECTIONS = {
    "accent_color": [
        "red",
        "#12345",
        "#1234567",
        "#fff;background:url(x)",
        "#fff}body{display:none",
        "rgb(0,0,0)",
        "expression(alert(1))",
        "#ggg",
    ],
    "label_ticket": [
        "<script>alert(1)</script>",
        "Book</a><a href=x>",
        "x{color:red}",
        "a;b",
        '" onmouseover="alert(1)',
        "javascript:alert(1)",
        "line\nbreak",
        "x" * 41,
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [(field, value) for field, values in INJECTIONS.items() for value in values],
)
def test_widget_settings_reject_injection_attempts(
    auth_client, organizer, field, value
):
    response = auth_client(organizer).put(
        "/api/settings/iframe", {field: value}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not WidgetSettings.objects.exists()


@pytest.mark.django_db
def test_widget_settings_accept_colors_and_plain_labels(auth_client, organizer):
    client = auth_client(organizer)
    response = client.put(
        "/api/settings/iframe/",
        {
            "accent_color": "#0a7",
            "background_color": "#FAFAFA",
            "label_ticket": "Reserve a spot!",
            "language": "en",
            "show_outlook": False,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (
        client.get("/api/settings/iframe").json()["label_ticket"] == "Reserve a spot!"
    )


@pytest.mark.django_db
def test_widget_settings_are_for_organizers(api_client, auth_client, member):
    assert api_client.get("/api/settings/iframe").status_code == 401
    assert auth_client(member).get("/api/settings/iframe").status_code == 403
    assert (
        auth_client(member)
        .put("/api/settings/iframe", {"accent_color": "#000"}, format="json")
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_event_override_changes_the_widget_and_defaults_apply_elsewhere(
    auth_client, organizer, client
):
    api = auth_client(organizer)
    api.put(
        "/api/settings/iframe",
        {"accent_color": "#112233", "label_google": "Google"},
        format="json",
    )
    event, other = EventFactory(), EventFactory()
    response = api.put(
        f"/api/events/{event.pk}/iframe-settings",
        {"accent_color": "#abcdef", "label_ticket": "Sign me up", "show_ics": False},
        format="json",
    )
    assert response.status_code == 200, response.json()
    bad = api.put(
        f"/api/events/{event.pk}/iframe-settings",
        {"text_color": "#000;}</style><script>"},
        format="json",
    )
    assert bad.status_code == 400
    html = client.get(f"/widget/event/{event.public_id}?lang=en").content.decode()
    assert "--sw-accent:#abcdef" in html
    assert "Sign me up" in html and ">Google<" in html
    assert f"/track/{event.public_id}/ics" not in html
    other_html = client.get(f"/widget/event/{other.public_id}?lang=en").content.decode()
    assert "--sw-accent:#112233" in other_html
    assert f"/track/{other.public_id}/ics" in other_html
    assert EventWidgetSettings.objects.get(event=event).text_color == ""


@pytest.mark.django_db
def test_iframe_code_has_widget_url_size_and_title(auth_client, organizer, settings):
    settings.SITE_URL = "https://spanglish.example"
    event = EventFactory(title_es="Tapas <y> charla", title_en="")
    response = auth_client(organizer).get(f"/api/events/{event.pk}/iframe-code")
    assert response.status_code == 200
    body = response.json()
    snippet = body["iframe_html"]
    assert snippet.startswith("<iframe ") and snippet.endswith("</iframe>")
    assert f'src="https://spanglish.example/widget/event/{event.public_id}"' in snippet
    assert f'width="{body["width"]}"' in snippet
    assert f'height="{body["height"]}"' in snippet
    assert 'title="Tapas &lt;y&gt; charla' in snippet
    assert "allow-scripts" not in snippet


@pytest.mark.django_db
def test_iframe_code_and_stats_are_for_organizers(auth_client, member, api_client):
    event = EventFactory()
    for path in ("iframe-code", "stats"):
        assert api_client.get(f"/api/events/{event.pk}/{path}").status_code == 401
        assert (
            auth_client(member).get(f"/api/events/{event.pk}/{path}").status_code == 403
        )


def _click(event, kind, at):
    click = Click.objects.create(event=event, type=kind)
    Click.objects.filter(pk=click.pk).update(created_at=at)


@pytest.mark.django_db
def test_stats_aggregate_per_day_in_the_site_time_zone(
    auth_client, admin_user, settings
):
    settings.TIME_ZONE = "Europe/Madrid"
    event, other = EventFactory(), EventFactory()
    # 22:30 UTC on 28 March is 23:30 in Madrid (CET): still the 28th there.
    _click(event, "google", datetime(2026, 3, 28, 22, 30, tzinfo=UTC))
    # 22:30 UTC on 29 March is 00:30 on the 30th in Madrid (CEST, after the change).
    _click(event, "ics", datetime(2026, 3, 29, 22, 30, tzinfo=UTC))
    _click(event, "ics", datetime(2026, 3, 30, 9, 0, tzinfo=UTC))
    _click(event, "ticket", datetime(2026, 4, 1, 12, 0, tzinfo=UTC))
    _click(other, "google", datetime(2026, 3, 30, 9, 0, tzinfo=UTC))
    response = auth_client(admin_user).get(f"/api/events/{event.pk}/stats")
    assert response.status_code == 200
    body = response.json()
    assert body["total_clicks"] == 4
    assert body["clicks_by_type"] == {"google": 1, "outlook": 0, "ics": 2, "ticket": 1}
    timeline = {day["date"]: day["clicks"] for day in body["clicks_timeline"]}
    assert timeline == {
        "2026-03-28": 1,
        "2026-03-29": 0,
        "2026-03-30": 2,
        "2026-03-31": 0,
        "2026-04-01": 1,
    }
    assert body["clicks_timeline"][2]["by_type"]["ics"] == 2

    # The same clicks seen from another site time zone fall on other days.
    settings.TIME_ZONE = "America/Montevideo"
    body = auth_client(admin_user).get(f"/api/events/{event.pk}/stats").json()
    timeline = {day["date"]: day["clicks"] for day in body["clicks_timeline"]}
    assert timeline["2026-03-28"] == 1 and timeline["2026-03-29"] == 1
    assert timeline["2026-03-30"] == 1


@pytest.mark.django_db
def test_stats_of_an_event_without_clicks(auth_client, organizer):
    body = auth_client(organizer).get(f"/api/events/{EventFactory().pk}/stats").json()
    assert body["total_clicks"] == 0 and body["clicks_timeline"] == []


@pytest.mark.django_db
def test_tracked_clicks_show_up_in_stats(client, auth_client, organizer):
    event = EventFactory()
    client.get(f"/track/{event.public_id}/google")
    client.get(f"/track/{event.public_id}/google")
    body = auth_client(organizer).get(f"/api/events/{event.pk}/stats").json()
    assert body["clicks_by_type"]["google"] == 2
    today = timezone.localdate().isoformat()
    assert body["clicks_timeline"] == [
        {
            "date": today,
            "clicks": 2,
            "by_type": {"google": 2, "outlook": 0, "ics": 0, "ticket": 0},
        }
    ]
    assert body["unique_visitor_days"] == 1


@pytest.mark.django_db
def test_private_feed_lists_own_booked_events_and_can_be_revoked(
    auth_client, member, client
):
    import icalendar

    api = auth_client(member)
    now = timezone.now()
    extra = {
        "checked_in": {"checkin_at": now},
        "pending_payment": {"hold_expires_at": now + timedelta(minutes=10)},
    }
    booked = {
        status: TicketFactory(user=member, status=status, **extra.get(status, {})).event
        for status in TicketStatus.values
    }
    TicketFactory(status=TicketStatus.CONFIRMED)  # somebody else's
    feed = api.get("/api/calendar/feed").json()
    assert feed["webcal_url"].startswith("webcal://")
    path = "/" + feed["url"].split("/", 3)[3]
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    uids = {
        str(v["uid"]).split("@")[0]
        for v in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert uids == {
        booked[s].public_id for s in ("confirmed", "checked_in", "pending_payment")
    }

    rotated = api.post("/api/calendar/feed").json()
    assert rotated["url"] != feed["url"]
    assert client.get(path).status_code == 404
    new_path = "/" + rotated["url"].split("/", 3)[3]
    assert client.get(new_path).status_code == 200
    assert api.delete("/api/calendar/feed").status_code == 204
    assert client.get(new_path).status_code == 404


@pytest.mark.django_db
def test_feed_token_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/calendar/feed").status_code == 401
