from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import EventSeries, EventStatus
from events.services import series_create

pytestmark = pytest.mark.django_db


def make_series(**fields):
    return series_create(
        **{
            "title_en": "Tuesday exchange",
            "start_date": timezone.localdate() + timedelta(days=1),
            "start_time": time(19, 0),
            "count": 3,
            **fields,
        }
    )


def changelist():
    return reverse("admin:events_eventseries_changelist")


def test_admin_series_page_shows_its_sessions(client, admin_user):
    series = make_series()
    client.force_login(admin_user)
    response = client.get(reverse("admin:events_eventseries_change", args=[series.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("/admin/events/event/") >= 3


def test_admin_skip_date_action_asks_for_the_date_then_skips(client, admin_user):
    series = make_series()
    day = series.sessions.order_by("starts_at")[1].occurrence_date
    client.force_login(admin_user)
    data = {"action": "skip_date", "_selected_action": [series.pk]}
    form = client.post(changelist(), data)
    assert form.status_code == 200
    assert 'name="date"' in form.content.decode()
    done = client.post(changelist(), {**data, "apply": "1", "date": day.isoformat()})
    assert done.status_code == 302
    assert not series.sessions.filter(occurrence_date=day).exists()
    assert EventSeries.objects.get(pk=series.pk).skipped_dates == [day.isoformat()]


def test_admin_edit_applies_to_future_sessions_and_session_edit_detaches(
    client, admin_user
):
    series = make_series()
    client.force_login(admin_user)
    one = series.sessions.order_by("starts_at").first()
    event_url = reverse("admin:events_event_change", args=[one.pk])
    form = client.get(event_url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "venue_name": "Plaza Mayor",
            "starts_at_0": timezone.localtime(one.starts_at).date().isoformat(),
            "starts_at_1": "19:00:00",
            "ends_at_0": timezone.localtime(one.ends_at).date().isoformat(),
            "ends_at_1": "21:00:00",
            "tickets-TOTAL_FORMS": "0",
            "tickets-INITIAL_FORMS": "0",
        }
    )
    data.pop("starts_at"), data.pop("ends_at")
    data.pop("banner", None)
    response = client.post(event_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    one.refresh_from_db()
    assert one.is_detached and one.venue_name == "Plaza Mayor"

    # The series was changed elsewhere; the action brings its sessions in line.
    EventSeries.objects.filter(pk=series.pk).update(venue_name="Bar Sol")
    data = {"action": "apply_to_future_sessions", "_selected_action": [series.pk]}
    assert 'name="from_date"' in client.post(changelist(), data).content.decode()
    assert client.post(changelist(), {**data, "apply": "1"}).status_code == 302
    venues = set(
        series.sessions.exclude(pk=one.pk).values_list("venue_name", flat=True)
    )
    assert venues == {"Bar Sol"}
    one.refresh_from_db()
    assert one.venue_name == "Plaza Mayor"
    assert one.status == EventStatus.PUBLISHED


def test_admin_generate_action_is_idempotent(client, admin_user):
    series = make_series()
    series.sessions.order_by("starts_at").last().delete()
    client.force_login(admin_user)
    data = {"action": "generate_sessions", "_selected_action": [series.pk]}
    client.post(changelist(), data)
    client.post(changelist(), data)
    assert series.sessions.count() == 3
