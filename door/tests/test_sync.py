import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from door.models import OfflineCheckin
from events.tests.factories import EventFactory
from payments.models import Payment
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
SYNC = "/api/door/sync"


def _item(ticket, device, minutes_ago=5):
    return {
        "code": ticket.display_code,
        "checked_in_at": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat(),
        "device_id": device,
        "client_id": str(uuid.uuid4()),
    }


def test_two_phones_check_in_the_same_ticket_one_admission(
    auth_client, volunteer, organizer
):
    event = EventFactory()
    ticket = TicketFactory(event=event)
    phone_a, phone_b = auth_client(volunteer), auth_client(organizer)

    first = phone_a.post(
        SYNC, {"event": str(event.pk), "checkins": [_item(ticket, "A", 6)]}
    )
    second = phone_b.post(
        SYNC, {"event": str(event.pk), "checkins": [_item(ticket, "B", 5)]}
    )

    assert first.status_code == second.status_code == 200
    (a,) = first.json()["results"]
    (b,) = second.json()["results"]
    assert a["ok"] is True and a["outcome"] == "checked_in"
    assert b["ok"] is False and b["outcome"] == "already_checked_in"
    when = timezone.localtime(Ticket.objects.get(pk=ticket.pk).checkin_at)
    assert f"Already checked in at {when:%H:%M} by {volunteer}" in b["message"]
    assert b["checked_in_by"] == str(volunteer)
    assert Ticket.objects.get(pk=ticket.pk).checked_in_by == volunteer
    assert first.json()["checked_in"] == 1


def test_replaying_a_batch_changes_nothing(auth_client, volunteer):
    event = EventFactory(price=Decimal("5"))
    door_ticket = TicketFactory(
        event=event, payment_method=PaymentMethod.DOOR, amount_due=Decimal("5")
    )
    other = TicketFactory(event=event)
    batch = {
        "event": str(event.pk),
        "checkins": [
            {**_item(door_ticket, "A", 3), "cash": "received"},
            _item(other, "A", 2),
        ],
    }
    client = auth_client(volunteer)

    first = client.post(SYNC, batch, format="json").json()
    again = client.post(SYNC, batch, format="json").json()

    assert [r["ok"] for r in first["results"]] == [True, True]
    assert [r["ok"] for r in again["results"]] == [True, True]
    assert all(r["replayed"] for r in again["results"])
    assert OfflineCheckin.objects.count() == 2
    assert Payment.objects.of("ticket", door_ticket.pk).count() == 1
    assert again["checked_in"] == 2


def test_same_batch_from_two_requests_records_each_check_in_once(
    auth_client, volunteer
):
    event = EventFactory()
    tickets = [TicketFactory(event=event) for _ in range(3)]
    items = [_item(t, "A", i) for i, t in enumerate(tickets)]
    client = auth_client(volunteer)
    client.post(SYNC, {"event": str(event.pk), "checkins": items[:2]}, format="json")
    answer = client.post(SYNC, {"event": str(event.pk), "checkins": items}).json()

    assert [r["replayed"] for r in answer["results"]] == [False, True, True]
    assert Ticket.objects.filter(status=TicketStatus.CHECKED_IN).count() == 3


def test_cancelled_and_unknown_tickets_are_refused(auth_client, volunteer):
    event = EventFactory()
    cancelled = TicketFactory(event=event, status=TicketStatus.CANCELLED)
    unknown = {
        "code": "NOPE-NOPE-NOPE",
        "checked_in_at": timezone.now().isoformat(),
        "client_id": "x1",
    }
    answer = auth_client(volunteer).post(
        SYNC,
        {"event": str(event.pk), "checkins": [_item(cancelled, "A"), unknown]},
        format="json",
    )
    outcomes = {r["client_id"]: r["outcome"] for r in answer.json()["results"]}
    assert outcomes["x1"] == "not_found"
    assert "cancelled" in outcomes.values()


def test_manifest_lists_the_event_tickets(
    auth_client, volunteer, django_assert_max_num_queries
):
    event = EventFactory(price=Decimal("4"))
    door_ticket = TicketFactory(
        event=event, payment_method=PaymentMethod.DOOR, amount_due=Decimal("4")
    )
    TicketFactory(event=event, status=TicketStatus.EXPIRED)
    TicketFactory()  # another event
    client = auth_client(volunteer)
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/door/events/{event.pk}/manifest")
    assert response.status_code == 200
    data = response.json()
    assert [t["code"] for t in data["tickets"]] == [door_ticket.code]
    assert data["tickets"][0]["collect"] == "4.00"
    assert client.get(f"/api/door/events/{event.pk}/manifest/").status_code == 200


@pytest.mark.parametrize("path", ["manifest", "sync"])
def test_members_and_visitors_are_kept_out(api_client, auth_client, member, path):
    event = EventFactory()
    ticket = TicketFactory(event=event)
    url = f"/api/door/events/{event.pk}/manifest" if path == "manifest" else SYNC
    body = {"event": str(event.pk), "checkins": [_item(ticket, "M")]}
    call = (
        (lambda c: c.get(url)) if path == "manifest" else (lambda c: c.post(url, body))
    )

    assert call(api_client).status_code == 401
    assert call(auth_client(member)).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CONFIRMED
