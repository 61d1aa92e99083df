from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from community.models import AuditLog
from door import services
from door.models import CashUp
from door.selectors import cash_summary
from events.tests.factories import EventFactory
from payments import services as payment_services
from payments.models import Payment, PaymentStatus, Provider
from spanglish.errors import ConflictError
from tickets.models import PaymentMethod
from tickets.payables import ticket_payment_record_cash
from tickets.services import ticket_check_in
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def _door_ticket(event):
    return TicketFactory(
        event=event, payment_method=PaymentMethod.DOOR, amount_due=event.price
    )


def _online_paid(event, amount):
    ticket = TicketFactory(event=event, payment_method=PaymentMethod.ONLINE)
    return Payment.objects.create(
        payable_kind="ticket",
        payable_id=str(ticket.pk),
        event_id=ticket.event_id,
        provider=Provider.STRIPE,
        amount=amount,
        currency=event.currency,
        status=PaymentStatus.SUCCEEDED,
    )


def test_expected_cash_per_volunteer_with_refunds(volunteer, organizer):
    event = EventFactory(price=Decimal("7.30"))
    # The volunteer checks in two pay-at-the-door tickets and one walk-in.
    for ticket in (_door_ticket(event), _door_ticket(event)):
        ticket_check_in(code=ticket.code, event=event, actor=volunteer, cash="received")
    services.walkin_register(event=event, name="W", amount="5.15", actor=volunteer)
    # The organizer takes cash for one more, then hands 2.10 back (partial refund)...
    third = _door_ticket(event)
    paid = ticket_payment_record_cash(
        ticket=third, amount=Decimal("7.30"), actor=organizer
    )
    payment_services.payment_refund(
        payment=paid, amount=Decimal("2.10"), actor=organizer
    )
    # ...and a fully refunded cash payment counts nothing.
    fourth = _door_ticket(event)
    gone = ticket_payment_record_cash(
        ticket=fourth, amount=Decimal("7.30"), actor=organizer
    )
    payment_services.payment_refund(payment=gone, amount=None, actor=organizer)
    _online_paid(event, Decimal("12.00"))
    TicketFactory(event=event, payment_method="pass")

    summary = cash_summary(event=event)

    by_name = {line.name: line for line in summary.lines}
    assert by_name[str(volunteer)].expected == Decimal("19.75")  # 7.30+7.30+5.15
    assert by_name[str(organizer)].expected == Decimal("5.20")  # 7.30-2.10 + 0
    assert summary.expected == Decimal("24.95")
    assert summary.cash_taken == Decimal("34.35")
    assert summary.cash_refunded == Decimal("9.40")
    assert summary.online_total == Decimal("12.00")
    assert summary.pass_tickets == 1


def test_close_records_differences_and_audits(volunteer, organizer):
    event = EventFactory(price=Decimal("10"))
    services.walkin_register(event=event, name="A", actor=volunteer)
    services.walkin_register(event=event, name="B", actor=volunteer)
    services.walkin_register(event=event, name="C", actor=organizer)
    services.cashcount_set(
        event=event, volunteer=volunteer, counted="19.95", actor=volunteer
    )
    services.cashcount_set(
        event=event, volunteer=organizer, counted=Decimal("10.50"), actor=organizer
    )

    cash_up = services.cashup_close(event=event, actor=organizer, notes="ok")

    assert cash_up.expected == Decimal("30.00")
    assert cash_up.counted == Decimal("30.45")
    assert cash_up.difference == Decimal("0.45")
    lines = {line["name"]: line for line in cash_up.lines}
    assert lines[str(volunteer)]["difference"] == "-0.05"
    assert lines[str(organizer)]["difference"] == "0.50"
    entry = AuditLog.objects.get(action="cashup.closed")
    assert entry.actor == organizer
    assert entry.changes["difference"] == "0.45"


def test_closed_cash_up_is_read_only(volunteer, organizer):
    event = EventFactory(price=Decimal("10"))
    services.cashup_close(event=event, actor=organizer)

    with pytest.raises(ConflictError):
        services.cashcount_set(
            event=event, volunteer=volunteer, counted="1", actor=volunteer
        )
    with pytest.raises(ConflictError):
        services.cashup_close(event=event, actor=organizer)
    assert CashUp.objects.count() == 1


def test_cash_up_page_volunteer_counts_organizer_closes(
    client, volunteer, organizer, django_assert_max_num_queries
):
    event = EventFactory(price=Decimal("6"))
    services.walkin_register(event=event, name="A", actor=volunteer)
    url = _en("door:cashup", event_id=event.pk)
    client.force_login(volunteer)
    client.post(url, {"action": "count", "counted": "5.50"})
    assert client.post(url, {"action": "close"}).status_code == 404

    client.force_login(organizer)
    with django_assert_max_num_queries(15):
        page = client.get(url)
    assert "-€0.50" in page.content.decode()
    client.post(url, {"action": "close", "notes": "short 50 cents"})
    page = client.get(url).content.decode()
    assert "can no longer be changed" in page
    assert CashUp.objects.get(event=event).difference == Decimal("-0.50")


def test_members_cannot_see_the_cash_up(client, member):
    event = EventFactory()
    client.force_login(member)
    assert client.get(_en("door:cashup", event_id=event.pk)).status_code == 403


def test_volunteer_cannot_record_another_volunteers_cash_count(client, volunteer):
    from community.tests.factories import UserFactory
    from door.models import CashCount

    other = UserFactory(role="volunteer")
    event = EventFactory(price=Decimal("6"))
    client.force_login(volunteer)

    response = client.post(
        _en("door:cashup", event_id=event.pk),
        {"action": "count", "counted": "0.00", "volunteer": str(other.pk)},
    )

    assert response.status_code == 404
    assert not CashCount.objects.filter(volunteer=other).exists()
    assert not AuditLog.objects.filter(action="cash.counted").exists()
