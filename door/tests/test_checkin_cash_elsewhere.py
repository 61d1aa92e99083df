"""Cash only when taken, outside the door page too: the scanners' API
(POST /api/tickets/checkin, PUT /api/tickets/<id>), the offline sync and the admin's
check-in action never record cash for a pay-at-the-door ticket unless told it was
taken. Without a choice the API answers 409 with the amount to collect."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from community.models import AuditLog
from door.selectors import cash_summary
from events.tests.factories import EventFactory
from payments.models import Payment, PaymentStatus
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
CHECKIN = "/api/tickets/checkin"


@pytest.fixture
def event():
    return EventFactory(price=Decimal("15.00"), currency="EUR")


@pytest.fixture
def ticket(event):
    return TicketFactory(
        event=event,
        payment_method=PaymentMethod.DOOR,
        amount_due=Decimal("15.00"),
        attendee_name="Ana",
    )


def _payments(ticket):
    return Payment.objects.filter(payable_kind="ticket", payable_id=str(ticket.pk))


def _status(ticket):
    return Ticket.objects.get(pk=ticket.pk).status


def _scan(client, ticket, lang="en", **extra):
    return client.post(
        CHECKIN,
        {"code": ticket.display_code, "event": str(ticket.event_id), **extra},
        format="json",
        HTTP_ACCEPT_LANGUAGE=lang,
    )


@pytest.mark.parametrize(
    ("lang", "shown", "message"),
    [
        ("en", "€15.00", "Collect €15.00: Ana"),
        ("es", "15,00\xa0€", "Cobra 15,00\xa0€: Ana"),
    ],
)
def test_bare_scan_asks_for_the_money_and_records_nothing(
    auth_client, volunteer, ticket, event, mailoutbox, lang, shown, message
):
    response = _scan(auth_client(volunteer), ticket, lang=lang)

    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "payment_required"
    assert message in body["error"]["message"] and shown in body["error"]["message"]
    assert body["amount"] == "15.00" and body["currency"] == "EUR"
    assert body["amount_display"] == shown
    assert body["choices"] == ["cash_received", "not_paid", "admit_unpaid"]
    assert body["ticket"]["code"] == ticket.code
    assert _status(ticket) == TicketStatus.CONFIRMED
    assert not _payments(ticket).exists()
    assert mailoutbox == []
    assert cash_summary(event=event).expected == Decimal("0.00")


def test_not_paid_changes_nothing_and_the_cash_up_stays_at_zero(
    auth_client, volunteer, ticket, event, mailoutbox
):
    response = _scan(auth_client(volunteer), ticket, payment="not_paid")

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["outcome"] == "not_paid"
    assert body["message"] == "Not checked in: Ana did not pay €15.00."
    assert _status(ticket) == TicketStatus.CONFIRMED
    assert not _payments(ticket).exists()
    assert mailoutbox == []
    summary = cash_summary(event=event)
    assert summary.expected == Decimal("0.00") and summary.lines == []


def test_cash_received_is_recorded_once_with_one_receipt(
    auth_client,
    volunteer,
    ticket,
    event,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = auth_client(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        first = _scan(client, ticket, lang="es", payment="cash_received")
        again = _scan(client, ticket, payment="cash_received")

    body = first.json()
    assert body["ok"] is True and body["outcome"] == "checked_in"
    assert body["collect"] == "15.00" and body["collect_display"] == "15,00\xa0€"
    assert body["currency"] == "EUR"
    assert again.json()["outcome"] == "already_checked_in"
    (paid,) = _payments(ticket)
    assert paid.status == PaymentStatus.SUCCEEDED and paid.amount == Decimal("15.00")
    assert len(mailoutbox) == 1
    assert cash_summary(event=event).expected == Decimal("15.00")


def test_admit_unpaid_lets_in_owing_it_and_counts_no_cash(
    auth_client, volunteer, ticket, event, mailoutbox
):
    response = _scan(auth_client(volunteer), ticket, payment="admit_unpaid")

    assert response.json()["ok"] is True and response.json()["collect"] == "0.00"
    assert _status(ticket) == TicketStatus.CHECKED_IN
    (owed,) = _payments(ticket)
    assert owed.status == PaymentStatus.UNPAID
    assert mailoutbox == []
    assert cash_summary(event=event).expected == Decimal("0.00")


def test_a_ticket_with_nothing_due_needs_no_choice(auth_client, volunteer, event):
    paid_online = TicketFactory(event=event, payment_method=PaymentMethod.ONLINE)

    response = _scan(auth_client(volunteer), paid_online)

    assert response.status_code == 200 and response.json()["ok"] is True
    assert response.json()["collect_display"] == ""
    assert _status(paid_online) == TicketStatus.CHECKED_IN


def test_members_and_visitors_cannot_take_cash_through_the_api(
    api_client, auth_client, member, ticket, event
):
    anonymous = api_client.post(
        CHECKIN, {"code": ticket.code, "payment": "cash_received"}, format="json"
    )
    as_member = _scan(auth_client(member), ticket, payment="cash_received")

    assert anonymous.status_code == 401
    assert as_member.status_code == 403
    assert as_member.json()["error"]["code"] == "permission_denied"
    assert _status(ticket) == TicketStatus.CONFIRMED
    assert not _payments(ticket).exists()
    assert cash_summary(event=event).expected == Decimal("0.00")


def test_volunteer_at_another_events_door_cannot_take_this_tickets_cash(
    auth_client, volunteer, ticket, event
):
    elsewhere = EventFactory(price=Decimal("15.00"))

    response = auth_client(volunteer).post(
        CHECKIN,
        {"code": ticket.code, "event": str(elsewhere.pk), "payment": "cash_received"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["outcome"] == "wrong_event"
    assert _status(ticket) == TicketStatus.CONFIRMED
    assert not _payments(ticket).exists()
    assert cash_summary(event=event).expected == Decimal("0.00")
    assert cash_summary(event=elsewhere).expected == Decimal("0.00")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"payment": "stolen"}, 400, "invalid"),
        ({"payment": ["cash_received"]}, 400, "invalid"),
        ({"event": "00000000-0000-0000-0000-000000000000"}, 404, "not_found"),
        ({"event": "not-a-uuid"}, 400, "invalid"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_records_nothing(
    auth_client, volunteer, ticket, body, status, code
):
    response = auth_client(volunteer).post(
        CHECKIN, {"code": ticket.code, **body}, format="json"
    )

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert _status(ticket) == TicketStatus.CONFIRMED
    assert not _payments(ticket).exists()


def test_unknown_code_is_refused_and_audited(auth_client, volunteer, event):
    response = auth_client(volunteer).post(
        CHECKIN, {"code": "NOPE-NOPE", "event": str(event.pk)}, format="json"
    )

    assert response.json()["outcome"] == "not_found"
    refused = AuditLog.objects.get(action="ticket.checkin_refused")
    assert refused.changes["code"] == "NOPENOPE"
    assert refused.target_id == str(event.pk)


def test_put_checked_in_asks_for_the_money_too(auth_client, volunteer, ticket, event):
    client = auth_client(volunteer)
    url = f"/api/tickets/{ticket.pk}"

    bare = client.put(url, {"status": "checked_in"}, format="json")
    paid = client.put(
        url, {"status": "checked_in", "payment": "cash_received"}, format="json"
    )

    assert bare.status_code == 409
    assert bare.json()["error"]["code"] == "payment_required"
    assert paid.status_code == 200 and paid.json()["status"] == "checked_in"
    assert cash_summary(event=event).expected == Decimal("15.00")


def test_a_queued_offline_scan_without_a_choice_records_no_cash(
    auth_client, volunteer, ticket, event
):
    """A phone whose saved list was stale (it thought nothing was due) sends no
    choice: the server asks instead of recording cash nobody took."""
    response = auth_client(volunteer).post(
        "/api/door/sync",
        {
            "event": str(event.pk),
            "checkins": [
                {
                    "code": ticket.code,
                    "checked_in_at": timezone.now().isoformat(),
                    "client_id": "phone-1-item-1",
                }
            ],
        },
        format="json",
    )

    (answer,) = response.json()["results"]
    assert answer["ok"] is False and answer["outcome"] == "cash_due"
    assert "€15.00" in answer["message"]
    assert not _payments(ticket).exists()
    assert cash_summary(event=event).expected == Decimal("0.00")


def test_admin_check_in_skips_tickets_owing_cash_and_says_where_to_collect(
    client, admin_user, event
):
    owing = [
        TicketFactory(
            event=event,
            payment_method=PaymentMethod.DOOR,
            amount_due=Decimal("15.00"),
        )
        for _ in range(3)
    ]
    free = TicketFactory(event=event, payment_method=PaymentMethod.FREE)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:tickets_ticket_changelist"),
        {
            "action": "check_in",
            "_selected_action": [t.pk for t in [*owing, free]],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        "3 tickets owe €15.00 each at the door: not checked in, nothing recorded" in m
        and reverse("tickets:door-event", kwargs={"event_id": event.pk}) in m
        for m in messages
    ), messages
    assert "1 ticket checked in." in messages
    assert _status(free) == TicketStatus.CHECKED_IN
    assert all(_status(t) == TicketStatus.CONFIRMED for t in owing)
    assert not Payment.objects.filter(payable_kind="ticket").exists()
    assert cash_summary(event=event).expected == Decimal("0.00")


def test_members_cannot_run_the_admin_check_in(client, member, ticket):
    client.force_login(member)

    response = client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "check_in", "_selected_action": [ticket.pk]},
    )

    assert response.status_code == 302 and "/login/" in response["Location"]
    assert _status(ticket) == TicketStatus.CONFIRMED
