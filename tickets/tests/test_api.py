from decimal import Decimal

import pytest
from django.core.cache import cache

from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets.models import Ticket, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_member_books_and_gets_201_then_200(auth_client, member):
    event = EventFactory()
    client = auth_client(member)
    first = client.post("/api/tickets", {"event": str(event.pk)})
    assert first.status_code == 201
    assert first.json()["status"] == "confirmed"
    again = client.post("/api/tickets/", {"event": str(event.pk)})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


def test_sold_out_is_409_with_clear_message(auth_client):
    event = EventFactory(capacity=1)
    TicketFactory(event=event)
    response = auth_client(UserFactory()).post("/api/tickets", {"event": str(event.pk)})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "sold_out"
    assert "sold out" in error["message"].lower()


def test_anonymous_booking_needs_name_and_email_and_never_leaks(api_client, member):
    event = EventFactory()
    missing = api_client.post("/api/tickets", {"event": str(event.pk)})
    assert missing.status_code == 400
    assert "attendee_email" in missing.json()["error"]["fields"]
    created = api_client.post(
        "/api/tickets",
        {
            "event": str(event.pk),
            "attendee_name": "Ana",
            "attendee_email": "ana@example.com",
        },
    )
    # The link goes to the address, never to whoever typed it.
    assert created.status_code == 202
    assert list(created.json()) == ["detail"]
    assert "ana@example.com" in created.json()["detail"]
    assert Ticket.objects.filter(event=event, user__email="ana@example.com").exists()
    TicketFactory(event=event, user=member)
    other = api_client.post(
        "/api/tickets",
        {"event": str(event.pk), "attendee_name": "X", "attendee_email": member.email},
    )
    assert other.status_code == 202
    assert list(other.json()) == ["detail"]


def test_anonymous_booking_is_throttled(api_client, settings):
    settings.BOOKING_RATE_LIMIT_PER_IP = 2
    cache.clear()
    event = EventFactory()
    statuses = [
        api_client.post(
            "/api/tickets",
            {
                "event": str(event.pk),
                "attendee_name": "A",
                "attendee_email": f"a{i}@example.com",
            },
        ).status_code
        for i in range(3)
    ]
    assert statuses == [202, 202, 429]


def test_ticket_detail_holder_and_staff_only(
    auth_client, api_client, member, volunteer
):
    ticket = TicketFactory()
    assert api_client.get(f"/api/tickets/{ticket.pk}").status_code == 401
    assert auth_client(member).get(f"/api/tickets/{ticket.pk}").status_code == 404
    assert auth_client(ticket.user).get(f"/api/tickets/{ticket.pk}").status_code == 200
    assert auth_client(volunteer).get(f"/api/tickets/{ticket.pk}/").status_code == 200


def test_event_ticket_list_is_staff_only_paginated_and_filtered(
    auth_client, member, organizer, django_assert_max_num_queries
):
    event = EventFactory(capacity=50)
    TicketFactory.create_batch(3, event=event)
    TicketFactory(event=event, status=TicketStatus.CANCELLED)
    url = f"/api/events/{event.pk}/tickets"
    assert auth_client(member).get(url).status_code == 403
    client = auth_client(organizer)
    with django_assert_max_num_queries(6):
        data = client.get(url).json()
    assert data["count"] == 4
    assert client.get(url + "?status=cancelled").json()["count"] == 1
    assert client.get(url + "?status=bogus").status_code == 400


def test_put_checks_in_and_cancel_needs_organizer(auth_client, volunteer, organizer):
    ticket = TicketFactory()
    url = f"/api/tickets/{ticket.pk}"
    assert (
        auth_client(ticket.user).put(url, {"status": "checked_in"}).status_code == 403
    )
    assert auth_client(volunteer).put(url, {"status": "cancelled"}).status_code == 403
    response = auth_client(volunteer).put(url, {"status": "checked_in"})
    assert response.status_code == 200 and response.json()["status"] == "checked_in"
    again = auth_client(volunteer).put(url, {"status": "checked_in"})
    assert again.status_code == 409
    other = TicketFactory()
    cancelled = auth_client(organizer).put(
        f"/api/tickets/{other.pk}", {"status": "cancelled"}
    )
    assert cancelled.json()["status"] == "cancelled"


def test_checkin_endpoint_results(auth_client, volunteer, member):
    ticket = TicketFactory(
        event=EventFactory(price=Decimal("5")),
        payment_method="door",
        amount_due=Decimal("5"),
    )
    other_event = EventFactory()
    client = auth_client(volunteer)
    assert (
        auth_client(member)
        .post("/api/tickets/checkin", {"code": ticket.code})
        .status_code
        == 403
    )
    wrong = client.post(
        "/api/tickets/checkin", {"code": ticket.code, "event": str(other_event.pk)}
    )
    assert wrong.json()["outcome"] == "wrong_event"
    ok = client.post(
        "/api/tickets/checkin",
        {
            "code": ticket.code,
            "event": str(ticket.event.pk),
            "payment": "cash_received",
        },
    )
    assert ok.json()["ok"] and ok.json()["collect"] == "5.00"
    again = client.post("/api/tickets/checkin/", {"code": ticket.code})
    assert again.json()["outcome"] == "already_checked_in"
    assert (
        client.post("/api/tickets/checkin", {"code": "ZZZ"}).json()["outcome"]
        == "not_found"
    )
    assert Ticket.objects.get(pk=ticket.pk).amount_collected == Decimal("5")


@pytest.mark.parametrize(
    "role,status", [("member", 403), ("volunteer", 403), ("organizer", 200)]
)
def test_attendee_export_api_permissions(auth_client, role, status):
    event = EventFactory()
    TicketFactory(event=event)
    response = auth_client(UserFactory(role=role)).get(
        f"/api/events/{event.pk}/attendees.csv"
    )
    assert response.status_code == status


def test_attendee_export_api_xlsx_and_csv_accept_header(auth_client, admin_user):
    event = EventFactory()
    TicketFactory(event=event)
    client = auth_client(admin_user)
    xlsx = client.get(f"/api/events/{event.pk}/attendees.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    csv_response = client.get(
        f"/api/events/{event.pk}/attendees.csv", HTTP_ACCEPT="text/csv"
    )
    assert csv_response.status_code == 200
    assert b"".join(csv_response.streaming_content).startswith("\ufeff".encode())


@pytest.mark.parametrize("status", ["draft", "cancelled", "completed", None])
def test_booking_an_event_that_is_not_published_is_404(auth_client, member, status):
    event = EventFactory(status=status or "published")
    pk = str(event.pk) if status else "00000000-0000-4000-8000-000000000000"
    response = auth_client(member).post("/api/tickets", {"event": pk})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not Ticket.objects.filter(user=member).exists()
