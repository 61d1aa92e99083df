from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse
from django.utils import timezone, translation

from events.ics import series_ics
from events.models import SeriesFrequency
from events.services import series_create, session_skip

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")


def test_series_calendar_expands_to_1900_local_across_dst_with_skips():
    series = series_create(
        generate=False,
        title_en="Intercambio",
        start_date=date(2027, 3, 16),
        start_time=time(19, 0),
        until=date(2027, 4, 6),
        frequency=SeriesFrequency.WEEKLY,
    )
    session_skip(
        series=series,
        day=date(2027, 3, 30),
        now=datetime(2027, 3, 1, tzinfo=UTC),
    )
    series.refresh_from_db()
    cal = icalendar.Calendar.from_ical(series_ics(series, language="en"))
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Madrid"
    vevent = cal.walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Intercambio"
    start = vevent.decoded("DTSTART")
    assert start == datetime(2027, 3, 16, 19, 0, tzinfo=MADRID)
    rule = rrulestr(vevent["RRULE"].to_ical().decode(), dtstart=start)
    skipped = {d.dt for d in vevent["EXDATE"].dts}
    starts = [d for d in rule if d not in skipped]
    assert [d.astimezone(MADRID).time() for d in starts] == [time(19, 0)] * 3
    # DST in 2027 starts on 28 March: the UTC hour moves, local time does not.
    assert [d.astimezone(UTC).hour for d in starts] == [18, 18, 17]
    assert [d.date() for d in starts] == [
        date(2027, 3, 16),
        date(2027, 3, 23),
        date(2027, 4, 6),
    ]
    assert vevent.decoded("DURATION") == timedelta(hours=2)


def test_series_calendar_download(client):
    series = series_create(
        title_en="Intercambio",
        start_date=timezone.localdate() + timedelta(days=1),
        start_time=time(19, 0),
        count=2,
    )
    with translation.override("en"):
        url = reverse("events:series-calendar", kwargs={"slug": series.slug})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert b"RRULE:FREQ=WEEKLY;COUNT=2;INTERVAL=1;BYDAY=" in response.content
