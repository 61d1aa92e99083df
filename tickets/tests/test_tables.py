import pytest
from django.urls import reverse
from django.utils import timezone

from community.languages import user_set_languages
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets import tables
from tickets.models import TableSeat, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"]


def attendee(event, native, learning_level, name):
    user = UserFactory(name=name)
    learns = "en" if native == "es" else "es"
    user_set_languages(
        user=user,
        skills=[
            {"language": native, "kind": "native"},
            {"language": learns, "kind": "learning", "level": learning_level},
        ],
    )
    return TicketFactory(
        event=event,
        user=user,
        status=TicketStatus.CHECKED_IN,
        checkin_at=timezone.now(),
    )


def full_room(event):
    for i, level in enumerate(LEVELS * 2):
        attendee(event, "es", level, f"Sofía {i:02}")
        attendee(event, "en", level, f"Sam {i:02}")


def test_suggestion_mixes_languages_and_spreads_levels():
    event = EventFactory()
    full_room(event)  # 12 native Spanish + 12 native English, levels A1–C2
    TicketFactory(event=event)  # booked but not here: no table

    grouping = tables.tables_suggest(tables.seats_of(event), table_size=6)

    assert [len(t) for t in grouping] == [6, 6, 6, 6]
    for table in grouping:
        sides = [s.side for s in table]
        assert sides.count("es") == 3 and sides.count("en") == 3
        for side in ("es", "en"):
            levels = [s.level for s in table if s.side == side]
            assert len(set(levels)) == 3  # no two of one side at the same level
            ranks = sorted(LEVELS.index(lv) for lv in levels)
            assert ranks[-1] - ranks[0] >= 2  # beginners and advanced together


def test_suggestion_is_deterministic_and_respects_the_table_size():
    event = EventFactory()
    full_room(event)
    first = tables.tables_suggest(tables.seats_of(event), table_size=5)
    again = tables.tables_suggest(tables.seats_of(event), table_size=5)
    assert [[s.ticket.pk for s in t] for t in first] == [
        [s.ticket.pk for s in t] for t in again
    ]
    assert len(first) == 5 and max(len(t) for t in first) <= 5


def test_organizer_suggests_moves_and_sees_tables(client, organizer):
    event = EventFactory()
    full_room(event)
    client.force_login(organizer)
    url = reverse("tickets:tables", kwargs={"event_id": event.pk})
    client.post(
        reverse("tickets:tables-suggest", kwargs={"event_id": event.pk}),
        {"table_size": "8"},
    )
    assert TableSeat.objects.filter(event=event).values("table").distinct().count() == 3
    seat = TableSeat.objects.filter(event=event, table=1).first()
    client.post(
        reverse("tickets:tables-move", kwargs={"event_id": event.pk}),
        {"ticket": str(seat.ticket_id), "table": "3"},
    )
    seat.refresh_from_db()
    assert seat.table == 3
    late = attendee(event, "es", "B1", "Zoe Late")
    page = client.get(url)
    html = page.content.decode()
    assert "Table 3" in html and "@media print" not in html
    assert "Checked in, no table yet" in html and "Zoe Late" in html
    screen = client.get(reverse("tickets:tables-screen", kwargs={"event_id": event.pk}))
    assert "Find your table" in screen.content.decode()
    assert late.attendee_name not in screen.content.decode()


def test_tables_page_is_for_door_staff_only(client, member):
    event = EventFactory()
    url = reverse("tickets:tables", kwargs={"event_id": event.pk})
    assert client.get(url).status_code == 302
    client.force_login(member)
    assert client.get(url).status_code == 403


def test_tables_page_queries_do_not_grow_with_attendees(
    client, volunteer, django_assert_max_num_queries
):
    event = EventFactory()
    full_room(event)
    client.force_login(volunteer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("tickets:tables", kwargs={"event_id": event.pk}))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "ticket", ["not-a-uuid", "", "1 OR 1=1", "00000000-0000-0000-0000-00000000000Z"]
)
def test_moving_a_malformed_ticket_id_answers_404_not_500(client, organizer, ticket):
    event = EventFactory()
    client.force_login(organizer)
    response = client.post(
        reverse("tickets:tables-move", kwargs={"event_id": event.pk}),
        {"ticket": ticket, "table": "2"},
    )
    assert response.status_code == 404
    assert not TableSeat.objects.exists()


def test_moving_someone_to_an_absurd_table_number_is_refused(client, organizer):
    event = EventFactory()
    guest = attendee(event, "es", "B1", "Ana")
    client.force_login(organizer)
    url = reverse("tickets:tables-move", kwargs={"event_id": event.pk})
    for table in ("99999999999999999999999", "0", "-3", "x", "1e3"):
        response = client.post(url, {"ticket": str(guest.pk), "table": table})
        assert response.status_code == 302
    assert not TableSeat.objects.exists()
    client.post(url, {"ticket": str(guest.pk), "table": "4"})
    assert TableSeat.objects.get(ticket=guest).table == 4
