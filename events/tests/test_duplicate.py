"""Duplicate an event: a draft copy on a new date, from a service and the admin."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from community.models import AuditLog
from community.tests.factories import UserFactory
from events.models import Event, EventStatus
from events.services import event_duplicate, series_create
from events.tests.factories import EventFactory
from media.models import Media
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


@pytest.fixture
def original():
    banner = Media.objects.create(type="image", content_type="image/jpeg")
    starts = timezone.now() + timedelta(days=2)
    event = EventFactory(
        title_es="Noche de juegos",
        title_en="Board games night",
        description_es="Juegos de mesa.",
        description_en="Board games.",
        venue_name="Café Central",
        venue_address="Plaza Mayor 1",
        map_url="https://maps.example/cafe",
        price=Decimal("7.50"),
        currency="EUR",
        capacity=30,
        seats_es_native=10,
        seats_en_native=12,
        banner=banner,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
    )
    TicketFactory(event=event)
    return event


def _next_week(event) -> datetime:
    return event.starts_at + timedelta(days=7)


def test_copy_is_a_draft_on_the_new_date_with_everything_but_tickets(
    original, organizer
):
    copy = event_duplicate(
        event=original, starts_at=_next_week(original), actor=organizer
    )

    assert copy.pk != original.pk and copy.status == EventStatus.DRAFT
    assert copy.starts_at == _next_week(original)
    assert copy.ends_at - copy.starts_at == timedelta(hours=3)
    for field in (
        "title_es",
        "title_en",
        "description_es",
        "description_en",
        "venue_name",
        "venue_address",
        "map_url",
        "price",
        "currency",
        "capacity",
        "seats_es_native",
        "seats_en_native",
        "banner_id",
    ):
        assert getattr(copy, field) == getattr(original, field), field
    assert copy.slug != original.slug and copy.public_id != original.public_id
    assert copy.tickets.count() == 0 and original.tickets.count() == 1
    entry = AuditLog.objects.get(action="event.duplicated")
    assert entry.target_id == str(copy.pk) and entry.actor == organizer
    assert entry.changes == {"copied_from": str(original.pk)}


def test_original_is_left_as_it_was(original):
    before = Event.objects.values().get(pk=original.pk)
    event_duplicate(event=original, starts_at=_next_week(original))
    assert Event.objects.values().get(pk=original.pk) == before


def test_a_start_in_the_past_is_refused(original):
    with pytest.raises(ValidationError) as refusal:
        event_duplicate(event=original, starts_at=timezone.now() - timedelta(hours=1))
    assert "starts_at" in refusal.value.message_dict
    assert Event.objects.count() == 1


def test_a_copy_of_a_series_session_stands_alone():
    series = series_create(
        title_en="Tuesday exchange",
        start_date=timezone.localdate() + timedelta(days=1),
        start_time=time(19, 0),
        count=2,
    )
    session = series.sessions.first()
    copy = event_duplicate(event=session, starts_at=_next_week(session))
    assert copy.series is None and copy.occurrence_date is None
    assert not copy.is_detached
    assert series.sessions.count() == 2


# --- The admin: action, intermediate page, result ------------------------------


def _changelist():
    return reverse("admin:events_event_changelist")


def _duplicate_url(event):
    return reverse("admin:events_event_duplicate", args=[event.pk])


def test_organizer_duplicates_from_the_list(client, organizer, original):
    client.force_login(organizer)
    picked = client.post(
        _changelist(),
        {"action": "duplicate_events", "_selected_action": [original.pk]},
    )
    assert picked.status_code == 302 and picked.url == _duplicate_url(original)

    form = client.get(_duplicate_url(original), headers=EN)
    assert form.status_code == 200
    page = form.content.decode()
    assert "Board games night" in page and "€7.50" in page
    week_later = timezone.localtime(_next_week(original))
    assert f'value="{week_later.date().isoformat()}"' in page
    assert f'value="{week_later:%H:%M}"' in page

    new_day = timezone.localdate() + timedelta(days=20)
    done = client.post(
        _duplicate_url(original), {"date": new_day.isoformat(), "time": "18:30"}
    )
    copy = Event.objects.exclude(pk=original.pk).get()
    assert done.status_code == 302
    assert done.url == reverse("admin:events_event_change", args=[copy.pk])
    assert timezone.localtime(copy.starts_at).date() == new_day
    assert f"{timezone.localtime(copy.starts_at):%H:%M}" == "18:30"
    assert copy.status == EventStatus.DRAFT


def test_the_event_page_offers_duplicate(client, organizer, original):
    client.force_login(organizer)
    page = client.get(
        reverse("admin:events_event_change", args=[original.pk]), headers=EN
    )
    assert _duplicate_url(original) in page.content.decode()


def test_the_action_wants_exactly_one_event(client, organizer, original):
    other = EventFactory()
    client.force_login(organizer)
    response = client.post(
        _changelist(),
        {"action": "duplicate_events", "_selected_action": [original.pk, other.pk]},
        headers=EN,
        follow=True,
    )
    assert "Select exactly one event to duplicate." in response.content.decode()
    assert Event.objects.count() == 2


@pytest.mark.parametrize(
    "data, error",
    [
        ({"date": "", "time": "19:00"}, "This field is required."),
        ({"date": "31-31-2031", "time": "19:00"}, "Enter a valid date."),
        ({"date": "2031-01-10", "time": "25:61"}, "Enter a valid time."),
        ({"date": "2001-01-10", "time": "19:00"}, "Pick a start in the future."),
    ],
)
def test_bad_dates_are_refused_with_a_message(client, organizer, original, data, error):
    client.force_login(organizer)
    response = client.post(_duplicate_url(original), data, headers=EN)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Event.objects.count() == 1


def test_no_such_event_is_a_404(client, organizer):
    client.force_login(organizer)
    missing = reverse(
        "admin:events_event_duplicate", args=["00000000-0000-0000-0000-000000000000"]
    )
    assert client.get(missing).status_code == 404
    assert client.get("/admin/events/event/not-a-uuid/duplicate/").status_code == 404


@pytest.mark.parametrize("role", ["member", "volunteer"])
def test_people_without_admin_access_are_sent_to_sign_in(client, role, original):
    client.force_login(UserFactory(role=role))
    response = client.post(
        _duplicate_url(original), {"date": "2031-01-10", "time": "19:00"}
    )
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert Event.objects.count() == 1


def test_staff_who_may_only_view_events_cannot_duplicate(client, original):
    viewer = UserFactory(role="member")
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(viewer)
    assert client.get(_duplicate_url(original)).status_code == 403
    response = client.post(
        _duplicate_url(original), {"date": "2031-01-10", "time": "19:00"}
    )
    assert response.status_code == 403
    actions = client.get(_changelist()).context["action_form"].fields["action"]
    assert "duplicate_events" not in dict(actions.choices)
    assert Event.objects.count() == 1
