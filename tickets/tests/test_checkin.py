from decimal import Decimal

import pytest
from django.urls import reverse

from community.models import AuditLog
from events.tests.factories import EventFactory
from payments.models import Payment
from tickets import services
from tickets.models import PaymentMethod, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_check_in_then_again_says_already_with_time_and_person(volunteer):
    ticket = TicketFactory()
    first = services.ticket_check_in(
        code=ticket.code, event=ticket.event, actor=volunteer
    )
    assert first.ok
    assert first.message.startswith("Checked in: ")
    second = services.ticket_check_in(
        code=ticket.display_code.lower(), event=ticket.event, actor=volunteer
    )
    assert second.outcome == services.CheckinOutcome.ALREADY
    assert "Already checked in at" in second.message
    assert str(volunteer) in second.message
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CHECKED_IN
    assert ticket.checked_in_by == volunteer
    assert AuditLog.objects.filter(action="ticket.checked_in").count() == 1


def test_code_for_another_event_is_refused(volunteer):
    ticket = TicketFactory()
    other = EventFactory()
    result = services.ticket_check_in(code=ticket.code, event=other, actor=volunteer)
    assert result.outcome == services.CheckinOutcome.WRONG_EVENT
    assert "Not for this event" in result.message
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED


def test_cancelled_and_unknown_codes_are_refused(volunteer):
    ticket = TicketFactory(status=TicketStatus.CANCELLED)
    result = services.ticket_check_in(
        code=ticket.code, event=ticket.event, actor=volunteer
    )
    assert result.outcome == services.CheckinOutcome.CANCELLED
    unknown = services.ticket_check_in(code="NOPE", event=ticket.event, actor=volunteer)
    assert unknown.outcome == services.CheckinOutcome.NOT_FOUND


def test_door_payment_is_collected_once(volunteer):
    ticket = TicketFactory(
        event=EventFactory(price=Decimal("8")),
        payment_method=PaymentMethod.DOOR,
        amount_due=Decimal("8"),
    )
    asked = services.ticket_check_in(
        code=ticket.code, event=ticket.event, actor=volunteer
    )
    assert asked.outcome == services.CheckinOutcome.CASH_DUE  # nothing recorded yet
    result = services.ticket_check_in(
        code=ticket.code,
        event=ticket.event,
        actor=volunteer,
        cash=services.CheckinCash.RECEIVED,
    )
    assert result.collect == Decimal("8")
    again = services.ticket_check_in(
        code=ticket.code,
        event=ticket.event,
        actor=volunteer,
        cash=services.CheckinCash.RECEIVED,
    )
    assert not again.ok and again.collect == 0
    ticket.refresh_from_db()
    assert ticket.amount_collected == Decimal("8")
    assert Payment.objects.of("ticket", ticket.pk).filter(provider="cash").count() == 1


def test_door_page_forbids_members_and_sends_visitors_to_sign_in(client, member):
    event = EventFactory()
    url = reverse("tickets:door-event", kwargs={"event_id": event.pk})
    assert client.get(url).status_code == 302
    client.force_login(member)
    assert client.get(url).status_code == 403


def test_door_page_checks_in_by_code_and_json(
    client, volunteer, django_assert_max_num_queries
):
    ticket = TicketFactory()
    url = reverse("tickets:door-event", kwargs={"event_id": ticket.event.pk})
    client.force_login(volunteer)
    with django_assert_max_num_queries(12):
        page = client.get(url + "?q=" + ticket.attendee_email[:5])
    assert page.status_code == 200
    assert ticket.attendee_name in page.content.decode()
    response = client.post(url, {"code": ticket.code}, HTTP_ACCEPT="application/json")
    data = response.json()
    assert data["ok"] and data["checked_in"] == 1 and data["expected"] == 1
    again = client.post(url, {"code": ticket.code})
    assert "Already checked in" in again.content.decode()


def test_door_index_lists_events_for_organizers(client, organizer):
    event = EventFactory()
    client.force_login(organizer)
    response = client.get(reverse("tickets:door"))
    assert event.title in response.content.decode()
