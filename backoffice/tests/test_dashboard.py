"""The admin's index for organizers and admins: tonight and the next two weeks."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice.selectors import dashboard
from backoffice.tests.helpers import online_paid, refund
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from payments.models import Payment, PaymentStatus
from tickets.models import PaymentMethod, Side, TicketStatus, WaitingListEntry
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _tonight(**kwargs):
    now = timezone.now()
    return EventFactory(
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=2),
        **kwargs,
    )


def _busy_event(event, organizer):
    """Three paid online (one refunded 10), one checked in, one pending, two waiting."""
    payments = []
    for side in (Side.ES, Side.ES, Side.EN):
        payment = online_paid(event, "10.00")
        ticket = event.tickets.get(pk=payment.payable_id)
        ticket.side = side
        ticket.save(update_fields=["side"])
        payments.append(payment)
    refund(payments[0], "10.00", actor=organizer)
    checked = event.tickets.get(pk=payments[1].payable_id)
    checked.status = TicketStatus.CHECKED_IN
    checked.checkin_at = timezone.now()
    checked.save(update_fields=["status", "checkin_at"])
    pending = TicketFactory(
        event=event,
        status=TicketStatus.PENDING_PAYMENT,
        payment_method=PaymentMethod.ONLINE,
        side=Side.EN,
        hold_expires_at=timezone.now() + timedelta(minutes=10),
    )
    Payment.objects.create(
        payable_kind="ticket",
        payable_id=str(pending.pk),
        event_id=event.pk,
        provider="stripe",
        amount=D("10.00"),
        currency=event.currency,
        status=PaymentStatus.PENDING,
    )
    for _ in range(2):
        user = UserFactory()
        WaitingListEntry.objects.create(event=event, user=user, email=user.email)


def test_tonights_figures(organizer):
    event = _tonight(
        price=D("10.00"),
        currency="EUR",
        capacity=10,
        seats_es_native=4,
        seats_en_native=4,
    )
    _busy_event(event, organizer)
    later = EventFactory(starts_at=timezone.now() + timedelta(days=5))
    EventFactory(starts_at=timezone.now() + timedelta(days=20))  # beyond two weeks
    EventFactory(starts_at=timezone.now() - timedelta(days=3))  # over

    board = dashboard()

    assert [c.event for c in board.today] == [event]
    assert [c.event for c in board.upcoming] == [later]
    card = board.today[0]
    # The refunded ticket went back: 2 sold (one checked in), 1 pending hold.
    assert (card.sold, card.checked_in, card.waiting, card.pending) == (2, 1, 2, 1)
    assert card.held == 3 and card.left == 7
    assert card.money == [
        {
            "currency": "EUR",
            "received": D("30.00"),
            "refunded": D("10.00"),
            "net": D("20.00"),
            "pending": 1,
            "pending_amount": D("10.00"),
        }
    ]
    assert [(s.side, s.held, s.kept) for s in card.sides] == [
        ("es", 1, 4),
        ("en", 2, 4),
    ]
    assert card.flexible == (0, 2)
    assert card.is_live and card.is_today
    assert "<svg" in card.chart


def test_query_count_does_not_grow_with_the_events(client, organizer):
    client.force_login(organizer)
    _busy_event(_tonight(capacity=10, seats_es_native=4, seats_en_native=4), organizer)
    client.get("/admin/")  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as one:
        response = client.get("/admin/")
    assert response.status_code == 200
    assert response.content.count(b"data-event=") == 1

    for days in range(1, 10):
        event = EventFactory(
            starts_at=timezone.now() + timedelta(days=days),
            capacity=10,
            seats_es_native=4,
            seats_en_native=4,
        )
        _busy_event(event, organizer)
    with CaptureQueriesContext(connection) as ten:
        response = client.get("/admin/")
    assert response.content.count(b"data-event=") == 10
    assert len(ten) == len(one), [q["sql"] for q in ten.captured_queries]


def test_the_page_shows_the_figures_in_the_visitors_language(client, organizer):
    event = _tonight(
        price=D("10.00"), currency="EUR", title_en="Quiz", title_es="Trivial"
    )
    online_paid(event, "10.00")
    online_paid(event, "10.00")
    client.force_login(organizer)

    english = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert (
        "Quiz" in english
        and "€20.00" in english
        and "Revenue (net of refunds)" in english
    )
    assert "Trivial" in spanish and "20,00\xa0€" in spanish and "Ingresos" in spanish
    # Links straight to the door, the attendees, the export and an email to them.
    for link in (
        f"/en/tickets/door/{event.pk}/",
        f"/admin/tickets/ticket/?event__id__exact={event.pk}",
        f"/en/tickets/events/{event.pk}/attendees.csv",
        f"/admin/emails/bulkemail/add/?audience=event_attendees&amp;event={event.pk}",
    ):
        assert link in english, link


def test_admins_get_the_dashboard_too(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"bo-dashboard" in response.content


def test_plain_staff_get_djangos_index(client):
    # Staff without an organizer role (set by hand, outside the roles).
    staff = UserFactory(role="member")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"bo-dashboard" not in response.content
    assert response.templates[0].name == "admin/index.html"


@pytest.mark.parametrize("role", ["member", "volunteer"])
def test_members_and_volunteers_are_sent_to_sign_in(client, role):
    client.force_login(UserFactory(role=role))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_email_attendees_opens_a_bulk_email_to_that_event(client, organizer):
    event = _tonight(title_en="Quiz night")
    client.force_login(organizer)
    response = client.get(
        f"/admin/emails/bulkemail/add/?audience=event_attendees&event={event.pk}"
    )
    html = response.content.decode()
    assert '<option value="event_attendees" selected>' in html
    assert f'<option value="{event.pk}" selected>Quiz night' in html


def test_a_busy_fortnight_points_to_the_event_list(client, organizer, monkeypatch):
    monkeypatch.setattr("backoffice.selectors.LIMIT", 2)
    for days in (1, 2, 3):
        EventFactory(starts_at=timezone.now() + timedelta(days=days))
    board = dashboard()
    assert len(board.upcoming) == 2 and board.more
    client.force_login(organizer)
    assert b"More events in the event list" in client.get("/admin/").content
