"""No-shows: counted from confirmed tickets never checked in for an event that is
over; from NO_SHOW_LIMIT on, a member must pay ahead."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.tests.factories import UserFactory
from events.models import EventStatus
from events.tests.factories import EventFactory
from tickets import services
from tickets.models import PaymentMethod, TicketStatus
from tickets.selectors import no_show_count, pays_ahead
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def past_event(days_ago=7, **kwargs):
    starts = timezone.now() - timedelta(days=days_ago)
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2), **kwargs)


def no_shows(user, n, **kwargs):
    for _ in range(n):
        TicketFactory(user=user, event=past_event(**kwargs))


def test_only_confirmed_tickets_of_ended_events_count_as_no_shows():
    user = UserFactory()
    no_shows(user, 1)
    TicketFactory(
        user=user,
        event=past_event(),
        status=TicketStatus.CHECKED_IN,
        checkin_at=timezone.now(),
    )
    TicketFactory(user=user, event=past_event(), status=TicketStatus.CANCELLED)
    TicketFactory(user=user, event=past_event(status=EventStatus.CANCELLED))
    TicketFactory(user=user, event=EventFactory())  # still to come
    assert no_show_count(user=user) == 1


def test_no_shows_older_than_the_window_are_forgotten(settings):
    settings.NO_SHOW_WINDOW_DAYS = 30
    user = UserFactory()
    no_shows(user, 2, days_ago=60)
    no_shows(user, 1, days_ago=5)
    assert no_show_count(user=user) == 1
    settings.NO_SHOW_WINDOW_DAYS = 0
    assert no_show_count(user=user) == 3


def test_after_three_no_shows_paying_at_the_door_is_refused(settings):
    settings.NO_SHOW_LIMIT = 3
    user = UserFactory()
    no_shows(user, 3)
    event = EventFactory(price=Decimal("5"))
    assert pays_ahead(user)
    with pytest.raises(ValidationError, match="pay online or use a pass"):
        services.ticket_book(event=event, user=user, payment_method=PaymentMethod.DOOR)
    online, _ = services.ticket_book(
        event=event, user=user, payment_method=PaymentMethod.ONLINE
    )
    assert online.status == TicketStatus.PENDING_PAYMENT


def test_members_past_the_limit_may_still_use_a_pass_or_book_free_events(settings):
    settings.NO_SHOW_LIMIT = 3
    user = UserFactory()
    no_shows(user, 4)
    free, _ = services.ticket_book(event=EventFactory(), user=user)
    assert free.status == TicketStatus.CONFIRMED
    paid = EventFactory(price=Decimal("5"))
    ticket, _ = services.ticket_book(
        event=paid, user=user, payment_method=PaymentMethod.PASS
    )
    assert ticket.status == TicketStatus.CONFIRMED


def test_walk_ins_at_the_door_may_still_pay_cash(settings):
    settings.NO_SHOW_LIMIT = 3
    user = UserFactory()
    no_shows(user, 3)
    ticket, _ = services.ticket_book(
        event=EventFactory(price=Decimal("5")),
        user=user,
        payment_method=PaymentMethod.DOOR,
        walk_in=True,
    )
    assert ticket.amount_due == Decimal("5")


def test_below_the_limit_or_with_the_rule_off_the_door_stays_open(settings):
    user = UserFactory()
    no_shows(user, 2)
    settings.NO_SHOW_LIMIT = 3
    below, created = services.ticket_book(
        event=EventFactory(price=Decimal("5")), user=user, payment_method="door"
    )
    assert created and below.status == TicketStatus.CONFIRMED
    assert below.payment_method == PaymentMethod.DOOR
    assert below.amount_due == Decimal("5")
    no_shows(user, 5)
    settings.NO_SHOW_LIMIT = 0
    rule_off, created = services.ticket_book(
        event=EventFactory(price=Decimal("5")), user=user, payment_method="door"
    )
    assert created and rule_off.status == TicketStatus.CONFIRMED
    assert rule_off.payment_method == PaymentMethod.DOOR
    assert rule_off.amount_due == Decimal("5")


def test_history_shows_no_shows_and_the_pay_ahead_rule(auth_client, settings):
    settings.NO_SHOW_LIMIT = 2
    user = UserFactory()
    no_shows(user, 2)
    TicketFactory(user=user, event=EventFactory())
    response = auth_client(user).get(f"/api/users/{user.pk}/history")
    assert response.status_code == 200
    body = response.json()
    assert body["attendance"]["no_shows"] == 2
    assert body["attendance"]["no_shows_counted"] == 2
    assert body["must_pay_ahead"] is True
    assert sorted(t["no_show"] for t in body["tickets"]) == [False, True, True]
