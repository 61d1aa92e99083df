from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from community.models import AuditLog
from events.models import Event, EventStatus, SeriesFrequency
from events.recurrence import series_rrule
from events.services import (
    series_create,
    series_generate_sessions,
    series_update_future,
    session_skip,
    session_update_one,
)
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
# A Monday noon in Madrid, before every series below starts.
NOW = datetime(2027, 1, 4, 12, 0, tzinfo=MADRID)


def make_series(**fields):
    values = {
        "title_en": "Intercambio",
        "title_es": "Intercambio",
        "venue_name": "Café Central",
        "time_zone": "Europe/Madrid",
        "frequency": SeriesFrequency.WEEKLY,
        "start_date": date(2027, 1, 5),  # a Tuesday
        "start_time": time(19, 0),
        "duration": timedelta(hours=2),
        "currency": "EUR",
        **fields,
    }
    return series_create(generate=False, **values)


def local_starts(series):
    return [
        e.starts_at.astimezone(MADRID) for e in series.sessions.order_by("starts_at")
    ]


def test_weekly_series_keeps_local_time_across_both_dst_changes():
    # Spans the last Sunday of March (29th) and of October (25th) 2026.
    series = make_series(start_date=date(2026, 3, 17), until=date(2026, 11, 3))
    series_generate_sessions(
        series=series,
        now=datetime(2026, 3, 16, tzinfo=MADRID),
        horizon=timedelta(weeks=40),
    )
    sessions = {e.occurrence_date: e for e in series.sessions.all()}
    assert len(sessions) == 34
    assert all(
        e.starts_at.astimezone(MADRID).time() == time(19, 0) for e in sessions.values()
    )
    utc_hour = {day: sessions[day].starts_at.astimezone(UTC).hour for day in sessions}
    assert utc_hour[date(2026, 3, 24)] == 18  # CET, UTC+1
    assert utc_hour[date(2026, 3, 31)] == 17  # CEST, UTC+2
    assert utc_hour[date(2026, 10, 20)] == 17
    assert utc_hour[date(2026, 10, 27)] == 18
    assert sessions[date(2026, 3, 31)].ends_at.astimezone(MADRID).time() == time(21)


def test_biweekly_series_with_a_count():
    series = make_series(frequency=SeriesFrequency.BIWEEKLY, count=4)
    series_generate_sessions(series=series, now=NOW, horizon=timedelta(weeks=52))
    assert local_starts(series) == [
        datetime(2027, 1, 5, 19, tzinfo=MADRID),
        datetime(2027, 1, 19, 19, tzinfo=MADRID),
        datetime(2027, 2, 2, 19, tzinfo=MADRID),
        datetime(2027, 2, 16, 19, tzinfo=MADRID),
    ]


def test_monthly_series_repeats_on_the_same_weekday_position():
    first_tuesday = make_series(frequency=SeriesFrequency.MONTHLY, count=4)
    series_generate_sessions(series=first_tuesday, now=NOW, horizon=timedelta(weeks=52))
    assert [d.date() for d in local_starts(first_tuesday)] == [
        date(2027, 1, 5),
        date(2027, 2, 2),
        date(2027, 3, 2),
        date(2027, 4, 6),
    ]
    # 29 December 2026 is a fifth Tuesday: the series runs on the last one.
    last_tuesday = make_series(
        frequency=SeriesFrequency.MONTHLY,
        start_date=date(2026, 12, 29),
        until=date(2027, 3, 31),
    )
    series_generate_sessions(
        series=last_tuesday,
        now=datetime(2026, 12, 1, tzinfo=MADRID),
        horizon=timedelta(weeks=52),
    )
    assert [d.date() for d in local_starts(last_tuesday)] == [
        date(2026, 12, 29),
        date(2027, 1, 26),
        date(2027, 2, 23),
        date(2027, 3, 30),
    ]


def test_end_date_is_inclusive():
    series = make_series(until=date(2027, 1, 19))
    series_generate_sessions(series=series, now=NOW)
    assert [d.date() for d in local_starts(series)] == [
        date(2027, 1, 5),
        date(2027, 1, 12),
        date(2027, 1, 19),
    ]


def test_open_ended_series_is_generated_up_to_the_horizon_and_idempotently():
    series = make_series()
    first = series_generate_sessions(series=series, now=NOW)
    assert len(first) == 12
    assert series_generate_sessions(series=series, now=NOW) == []
    assert series.sessions.count() == 12
    a_week_later = series_generate_sessions(series=series, now=NOW + timedelta(days=7))
    assert [e.occurrence_date for e in a_week_later] == [date(2027, 3, 30)]


def test_sessions_copy_the_series_and_its_status():
    series = make_series(
        count=2, price="8.00", capacity=30, session_status=EventStatus.DRAFT
    )
    series_generate_sessions(series=series, now=NOW)
    session = series.sessions.first()
    assert session.status == EventStatus.DRAFT
    assert (session.price, session.capacity, session.venue_name) == (
        8,
        30,
        "Café Central",
    )
    assert session.slug == f"{series.slug}-2027-01-05"


def test_series_needs_a_real_time_zone_and_not_both_ends():
    with pytest.raises(ValidationError) as error:
        make_series(time_zone="Mars/Olympus", count=3, until=date(2027, 2, 1))
    assert {"time_zone", "count"} <= error.value.message_dict.keys()


def test_skipping_a_date_without_tickets_removes_it_for_good():
    series = make_series(count=4)
    series_generate_sessions(series=series, now=NOW)
    assert session_skip(series=series, day=date(2027, 1, 12), now=NOW) is None
    series_generate_sessions(series=series, now=NOW)
    dates = [d.date() for d in local_starts(series)]
    assert dates == [date(2027, 1, 5), date(2027, 1, 19), date(2027, 1, 26)]
    assert AuditLog.objects.filter(action="series.date_skipped").exists()


def test_skipping_a_booked_date_cancels_it_and_keeps_the_tickets():
    series = make_series(count=3)
    series_generate_sessions(series=series, now=NOW)
    session = series.sessions.get(occurrence_date=date(2027, 1, 12))
    TicketFactory(event=session)
    cancelled = session_skip(series=series, day=date(2027, 1, 12), now=NOW)
    assert cancelled.status == EventStatus.CANCELLED
    assert cancelled.sequence == session.sequence + 1
    assert cancelled.tickets.count() == 1
    series_generate_sessions(series=series, now=NOW)
    assert series.sessions.filter(occurrence_date=date(2027, 1, 12)).count() == 1
    series.refresh_from_db()
    assert series.skipped_dates == ["2027-01-12"]


def test_skipping_a_date_the_rule_does_not_have_is_refused():
    series = make_series(count=3)
    with pytest.raises(ValidationError):
        session_skip(series=series, day=date(2027, 1, 13), now=NOW)


def test_edit_one_session_then_all_future_ones():
    series = make_series(count=4)
    series_generate_sessions(series=series, now=NOW)
    one = series.sessions.get(occurrence_date=date(2027, 1, 12))
    one = session_update_one(event=one, venue_name="Plaza Mayor")
    assert one.is_detached

    result = series_update_future(
        series=series,
        from_date=date(2027, 1, 10),
        now=NOW,
        venue_name="Bar Sol",
        start_time=time(20, 0),
    )
    assert len(result.updated) == 2
    sessions = {e.occurrence_date: e for e in series.sessions.all()}
    before = sessions[date(2027, 1, 5)]
    assert before.venue_name == "Café Central"
    assert before.starts_at.astimezone(MADRID).hour == 19
    detached = sessions[date(2027, 1, 12)]
    assert detached.venue_name == "Plaza Mayor"
    assert detached.starts_at.astimezone(MADRID).hour == 19
    for day in (date(2027, 1, 19), date(2027, 1, 26)):
        assert sessions[day].venue_name == "Bar Sol"
        assert sessions[day].starts_at.astimezone(MADRID).time() == time(20, 0)
        assert sessions[day].sequence == 1


def test_moving_the_weekday_moves_booked_sessions_and_replaces_empty_ones():
    series = make_series(count=3)
    series_generate_sessions(series=series, now=NOW)
    booked = series.sessions.get(occurrence_date=date(2027, 1, 12))
    ticket = TicketFactory(event=booked)
    series_update_future(
        series=series,
        now=NOW,
        start_date=date(2027, 1, 6),  # Wednesdays
    )
    dates = [d.date() for d in local_starts(series)]
    assert dates == [date(2027, 1, 6), date(2027, 1, 13), date(2027, 1, 20)]
    ticket.refresh_from_db()
    assert ticket.event_id == booked.pk
    moved = Event.objects.get(pk=booked.pk)
    assert moved.occurrence_date == date(2027, 1, 13)
    assert moved.sequence > booked.sequence


def test_series_rrule_is_ready_for_icalendar():
    series = make_series(frequency=SeriesFrequency.MONTHLY, until=date(2027, 6, 1))
    session_skip(series=series, day=date(2027, 2, 2), now=NOW)
    series.refresh_from_db()
    rule = series_rrule(series)
    assert rule["rrule"] == {
        "FREQ": "MONTHLY",
        "INTERVAL": 1,
        "BYDAY": ["1TU"],
        "UNTIL": datetime(2027, 6, 1, 17, 0, tzinfo=UTC),
    }
    assert rule["dtstart"] == datetime(2027, 1, 5, 19, 0, tzinfo=MADRID)
    assert rule["exdate"] == [datetime(2027, 2, 2, 19, 0, tzinfo=MADRID)]
    assert rule["tzid"] == "Europe/Madrid"
