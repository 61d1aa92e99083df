from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from calendars.ics import event_ics, feed_ics
from events import services as event_services
from events.models import EventStatus
from events.tests.factories import EventFactory

MADRID = ZoneInfo("Europe/Madrid")


def _vevent(data: bytes):
    cal = icalendar.Calendar.from_ical(data)
    (vevent,) = cal.walk("VEVENT")
    return cal, vevent


def _madrid(*args, fold=0):
    return datetime(*args, tzinfo=MADRID, fold=fold).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        # Spring forward: 2026-03-29 02:00 CET jumps to 03:00 CEST (5 real hours).
        (_madrid(2026, 3, 28, 23, 0), _madrid(2026, 3, 29, 5, 0), 5),
        # Fall back: 2026-10-25 03:00 CEST returns to 02:00 CET; 02:30 happens
        # twice and the event ends at the second one (fold=1): 4 real hours.
        (_madrid(2026, 10, 24, 23, 30), _madrid(2026, 10, 25, 2, 30, fold=1), 4),
        # Same wall-clock time either side of the change: offsets differ.
        (_madrid(2026, 10, 24, 19, 0), _madrid(2026, 10, 26, 19, 0), 49),
    ],
)
@pytest.mark.django_db
def test_ics_round_trips_times_exactly_across_dst_change(start, end, hours):
    event = EventFactory(starts_at=start, ends_at=end)
    event.refresh_from_db()
    _, vevent = _vevent(event_ics(event, language="en"))
    dtstart, dtend = vevent.decoded("dtstart"), vevent.decoded("dtend")
    assert dtstart == event.starts_at == start
    assert dtend == event.ends_at == end
    assert (dtend - dtstart) == timedelta(hours=hours)
    # A calendar in Madrid shows the wall-clock times the organizer entered.
    assert (
        dtstart.astimezone(MADRID).utcoffset() == start.astimezone(MADRID).utcoffset()
    )
    assert dtend.astimezone(MADRID).fold == end.astimezone(MADRID).fold


@pytest.mark.django_db
def test_ics_has_the_rfc5545_fields_a_calendar_needs(settings):
    settings.SITE_URL = "https://spanglish.example"
    event = EventFactory(
        title_en="Tapas; talk, and more",
        title_es="Tapas y charla",
        description_en="Bring a friend.\nSecond line.",
        venue_name="Café Central",
        venue_address="Plaza Mayor 1, Madrid",
    )
    cal, vevent = _vevent(event_ics(event, language="en"))
    assert cal["version"] == "2.0"
    assert str(vevent["uid"]) == f"{event.public_id}@spanglish.example"
    assert isinstance(vevent.decoded("dtstamp"), datetime)
    assert str(vevent["summary"]) == "Tapas; talk, and more"
    assert str(vevent["location"]) == "Café Central, Plaza Mayor 1, Madrid"
    assert str(vevent["url"]) == f"https://spanglish.example/en/events/{event.slug}/"
    assert "Bring a friend.\nSecond line." in str(vevent["description"])
    assert vevent["status"] == "CONFIRMED"
    assert int(vevent["sequence"]) == 0

    _, spanish = _vevent(event_ics(event, language="es"))
    assert str(spanish["summary"]) == "Tapas y charla"
    assert str(spanish["uid"]) == str(vevent["uid"])


@pytest.mark.django_db
def test_sequence_grows_and_cancellation_shows_in_ics():
    event = EventFactory()
    event = event_services.event_update(
        event=event, starts_at=event.starts_at + timedelta(hours=1)
    )
    _, vevent = _vevent(event_ics(event))
    assert int(vevent["sequence"]) == 1
    event = event_services.event_cancel(event=event)
    _, vevent = _vevent(event_ics(event))
    assert int(vevent["sequence"]) == 2
    assert vevent["status"] == "CANCELLED"


@pytest.mark.django_db
def test_download_route_serves_a_parseable_attachment(client):
    event = EventFactory(slug="tapas-night")
    response = client.get(f"/calendar/{event.public_id}/download.ics?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert 'filename="spanglish-tapas-night.ics"' in response["Content-Disposition"]
    _, vevent = _vevent(response.content)
    assert str(vevent["summary"]) == event.title_en


@pytest.mark.django_db
def test_download_of_a_draft_event_is_not_found(client):
    event = EventFactory(status=EventStatus.DRAFT)
    assert client.get(f"/calendar/{event.public_id}/download.ics").status_code == 404


@pytest.mark.django_db
def test_public_feed_lists_published_events_only(client, django_assert_max_num_queries):
    shown = EventFactory(title_en="Shown")
    EventFactory(title_en="Draft", status=EventStatus.DRAFT)
    cancelled = EventFactory(title_en="Called off", status=EventStatus.CANCELLED)
    with django_assert_max_num_queries(2):
        response = client.get("/calendar.ics?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    assert str(cal["x-wr-calname"]) == "Spanglish events"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content.decode()
    by_uid = {str(v["uid"]).split("@")[0]: v for v in cal.walk("VEVENT")}
    assert set(by_uid) == {shown.public_id, cancelled.public_id}
    assert by_uid[cancelled.public_id]["status"] == "CANCELLED"


@pytest.mark.django_db
def test_feed_ics_of_no_events_is_still_valid():
    cal = icalendar.Calendar.from_ical(feed_ics([], name="Empty"))
    assert cal.walk("VEVENT") == []
    assert str(cal["x-wr-calname"]) == "Empty"


def test_ics_times_are_utc_on_the_wire():
    from events.models import Event

    event = Event(
        public_id="abc",
        slug="x",
        title_en="X",
        starts_at=datetime(2026, 3, 29, 1, 30, tzinfo=MADRID),
        ends_at=datetime(2026, 3, 29, 3, 30, tzinfo=MADRID),
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    text = event_ics(event, language="en").decode()
    assert "DTSTART:20260329T003000Z" in text
    assert "DTEND:20260329T013000Z" in text
