from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from community.models import User
from door import services
from events.tests.factories import EventFactory
from payments.models import Payment, PaymentStatus, Provider
from tickets.models import Ticket, TicketStatus
from tickets.services import SoldOut
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

PAID_STATUSES = (
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)


def _en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def test_walkin_without_email_gets_checked_in_and_cash_recorded(volunteer):
    event = EventFactory(price=Decimal("8.50"), capacity=5)

    ticket = services.walkin_register(
        event=event, name="Ana Walk", email="", languages=None, actor=volunteer
    )

    assert ticket.status == TicketStatus.CHECKED_IN
    assert ticket.checked_in_by == volunteer
    payment = Payment.objects.of("ticket", ticket.pk).get()
    assert payment.provider == Provider.CASH
    assert payment.amount == Decimal("8.50")
    placeholder = ticket.user
    assert placeholder.name == "Ana Walk"
    assert not placeholder.is_active
    assert not placeholder.has_usable_password()


def test_walkin_with_known_email_reuses_the_account(volunteer, member):
    event = EventFactory(price=Decimal("5"))

    ticket = services.walkin_register(
        event=event,
        name="Someone",
        email=member.email.upper(),
        amount=Decimal("3"),
        actor=volunteer,
    )

    assert ticket.user == member
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert Payment.objects.of("ticket", ticket.pk).get().amount == Decimal("3.00")


def test_walkin_refused_when_sold_out(volunteer):
    event = EventFactory(price=Decimal("5"), capacity=1)
    TicketFactory(event=event)

    with pytest.raises(SoldOut):
        services.walkin_register(event=event, name="Late Larry", actor=volunteer)

    assert Ticket.objects.filter(event=event).count() == 1
    assert not Payment.objects.exists()
    assert not User.objects.filter(name="Late Larry").exists()


def test_walkin_page_shows_sold_out_refusal(client, volunteer):
    event = EventFactory(capacity=1)
    TicketFactory(event=event)
    client.force_login(volunteer)

    response = client.post(_en("door:walkin", event_id=event.pk), {"name": "Bo"})

    assert response.status_code == 400
    assert "sold out" in response.content.decode()


def test_walkin_page_registers_and_returns_to_door(client, volunteer):
    event = EventFactory(price=Decimal("7"))
    client.force_login(volunteer)

    response = client.post(
        _en("door:walkin", event_id=event.pk),
        {"name": "Carla", "native": "es", "learning": "en", "amount": "7.00"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Welcome, Carla" in response.content.decode()
    ticket = Ticket.objects.get(event=event)
    assert ticket.status == TicketStatus.CHECKED_IN
    skills = {s.language: s.kind for s in ticket.user.language_skills.all()}
    assert skills == {"es": "native", "en": "learning"}


def test_member_may_not_register_walkins(client, member):
    event = EventFactory()
    client.force_login(member)

    response = client.post(_en("door:walkin", event_id=event.pk), {"name": "X"})

    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_walkin_takes_a_seat_on_their_side_and_door_shows_the_balance(
    client, volunteer
):
    event = EventFactory(capacity=4, seats_es_native=2, seats_en_native=2)
    for _ in range(2):
        services.walkin_register(
            event=event,
            name="Hablante",
            languages=[{"language": "es", "kind": "native"}],
            actor=volunteer,
        )

    with pytest.raises(SoldOut):
        services.walkin_register(
            event=event,
            name="Otra",
            languages=[{"language": "es", "kind": "native"}],
            actor=volunteer,
        )
    english = services.walkin_register(
        event=event,
        name="Speaker",
        languages=[{"language": "en", "kind": "native"}],
        actor=volunteer,
    )
    assert english.status == TicketStatus.CHECKED_IN

    client.force_login(volunteer)
    page = client.get(_en("tickets:door-event", event_id=event.pk)).content.decode()
    assert "Language balance" in page
    assert "2 / 2" in page and "1 / 2" in page


def test_walkin_amount_typed_is_the_amount_recorded_everywhere(volunteer):
    from community.models import AuditLog
    from door.selectors import cash_summary

    event = EventFactory(price=Decimal("15.00"))

    ticket = services.walkin_register(
        event=event, name="Discount Dana", amount="7.50", actor=volunteer
    )

    assert ticket.status == TicketStatus.CHECKED_IN
    assert ticket.amount_collected == Decimal("7.50")
    (payment,) = Payment.objects.of("ticket", ticket.pk)
    assert payment.amount == Decimal("7.50")
    assert payment.status == PaymentStatus.SUCCEEDED
    cash = AuditLog.objects.get(action="payment.cash_recorded")
    assert cash.changes["amount"] == "7.50"
    checkin = AuditLog.objects.get(action="ticket.checked_in", target_id=str(ticket.pk))
    assert checkin.changes["cash_collected"] == "7.50"
    walk_in = AuditLog.objects.get(action="door.walk_in")
    assert walk_in.changes["cash_taken"] == "7.50"
    summary = cash_summary(event=event)
    assert summary.expected == Decimal("7.50")
    assert summary.cash_taken == Decimal("7.50")
    assert not any("15.00" in str(entry.changes) for entry in AuditLog.objects.all())


def test_walkin_with_zero_typed_is_admitted_not_paid_and_no_cash_is_expected(
    volunteer,
):
    from community.models import AuditLog
    from door.selectors import cash_summary

    event = EventFactory(price=Decimal("15.00"))

    ticket = services.walkin_register(
        event=event, name="Broke Bob", amount="0", actor=volunteer
    )

    assert ticket.status == TicketStatus.CHECKED_IN
    assert ticket.amount_collected == Decimal("0")
    assert ticket.amount_due == Decimal("15.00")  # still owed
    (owed,) = Payment.objects.of("ticket", ticket.pk)
    assert owed.status == PaymentStatus.UNPAID
    assert owed.amount == Decimal("15.00")
    assert not Payment.objects.filter(status__in=PAID_STATUSES).exists()
    assert not AuditLog.objects.filter(action="payment.cash_recorded").exists()
    checkin = AuditLog.objects.get(action="ticket.checked_in", target_id=str(ticket.pk))
    assert checkin.changes["cash_collected"] == "0"
    assert AuditLog.objects.get(action="door.walk_in").changes["paid"] is False
    assert AuditLog.objects.filter(action="payment.admitted_unpaid").count() == 1
    summary = cash_summary(event=event)
    assert summary.expected == Decimal("0")
    assert summary.cash_taken == Decimal("0")
    assert summary.lines == []


def test_walkin_page_with_zero_says_not_paid(client, volunteer):
    event = EventFactory(price=Decimal("15"))
    client.force_login(volunteer)

    response = client.post(
        _en("door:walkin", event_id=event.pk),
        {"name": "Carla", "amount": "0"},
        follow=True,
    )

    page = response.content.decode()
    assert "Checked in, not paid" in page
    assert "€15.00 taken" not in page


def test_walkin_cash_is_rounded_to_the_events_currency(volunteer):
    # Chilean pesos have no minor units: "4500.6" typed is 4501 CLP, not 4500.60.
    event = EventFactory(price=Decimal("5000"), currency="CLP")

    ticket = services.walkin_register(
        event=event, name="Peso Pablo", amount="4500.6", actor=volunteer
    )

    (payment,) = Payment.objects.of("ticket", ticket.pk)
    assert payment.amount == Decimal("4501")
