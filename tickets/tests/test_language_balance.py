"""Language-split events: seats per side, the flexible share, per-side waiting
lists and the balance organizers see."""

import pytest

from community.languages import user_set_languages
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets import services
from tickets.models import Side, TicketStatus, WaitlistStatus
from tickets.selectors import event_balance, seats_left_by_side

pytestmark = pytest.mark.django_db


def native(language: str, **kwargs):
    user = UserFactory(**kwargs)
    user_set_languages(user=user, skills=[{"language": language, "kind": "native"}])
    return user


def split_event(es=2, en=2, flexible=0, **kwargs):
    return EventFactory(
        capacity=es + en + flexible, seats_es_native=es, seats_en_native=en, **kwargs
    )


def test_booking_goes_to_the_side_of_the_members_native_language():
    event = split_event(es=2, en=2)
    ticket, _ = services.ticket_book(event=event, user=native("es"))
    assert ticket.side == Side.ES
    assert seats_left_by_side(event=event) == {"es": 1, "en": 2}


def test_a_full_side_is_sold_out_while_the_other_still_has_seats():
    event = split_event(es=1, en=1)
    services.ticket_book(event=event, user=native("es"))
    with pytest.raises(services.SoldOut, match="native Spanish"):
        services.ticket_book(event=event, user=native("es"))
    ticket, _ = services.ticket_book(event=event, user=native("en"))
    assert ticket.side == Side.EN


def test_the_profile_side_wins_over_the_side_asked_for():
    event = split_event(es=1, en=1)
    ticket, _ = services.ticket_book(event=event, user=native("en"), side=Side.ES)
    assert ticket.side == Side.EN


def test_visitor_without_profile_books_the_side_they_choose():
    event = split_event(es=1, en=1)
    ticket, _ = services.ticket_book(event=event, user=UserFactory(), side=Side.EN)
    assert ticket.side == Side.EN


def test_native_in_both_or_neither_may_choose_and_otherwise_gets_the_emptier_side():
    event = split_event(es=2, en=3)
    both = UserFactory()
    user_set_languages(
        user=both,
        skills=[
            {"language": "es", "kind": "native"},
            {"language": "en", "kind": "native"},
        ],
    )
    assert services.ticket_book(event=event, user=both, side="es")[0].side == "es"
    neither = native("fr")
    assert services.ticket_book(event=event, user=neither)[0].side == "en"


def test_flexible_share_is_used_by_either_side_once_its_own_seats_are_gone():
    event = split_event(es=1, en=1, flexible=1)
    services.ticket_book(event=event, user=native("es"))
    overflow, _ = services.ticket_book(event=event, user=native("es"))
    assert overflow.side == Side.ES
    assert seats_left_by_side(event=event) == {"es": 0, "en": 1}
    with pytest.raises(services.SoldOut):
        services.ticket_book(event=event, user=native("es"))
    services.ticket_book(event=event, user=native("en"))
    with pytest.raises(services.SoldOut):
        services.ticket_book(event=event, user=native("en"))


def test_event_without_split_books_without_a_side_as_before():
    event = EventFactory(capacity=1)
    ticket, _ = services.ticket_book(event=event, user=native("es"))
    assert ticket.side == ""
    assert seats_left_by_side(event=event) == {}
    with pytest.raises(services.SoldOut, match="sold out"):
        services.ticket_book(event=event, user=native("en"))


def test_waiting_list_is_per_side_and_a_freed_seat_goes_to_that_side():
    event = split_event(es=1, en=1)
    es_holder, _ = services.ticket_book(event=event, user=native("es"))
    services.ticket_book(event=event, user=native("en"))
    en_waiting, _ = services.waitlist_join(event=event, user=native("en"))
    es_waiting, _ = services.waitlist_join(event=event, user=native("es"))
    assert (en_waiting.side, es_waiting.side) == ("en", "es")

    services.ticket_cancel(ticket=es_holder)

    en_waiting.refresh_from_db()
    es_waiting.refresh_from_db()
    # The English speaker joined first, but the freed seat is a Spanish one.
    assert en_waiting.status == WaitlistStatus.WAITING
    assert es_waiting.status == WaitlistStatus.OFFERED
    ticket, _ = services.ticket_book(
        event=event, user=es_waiting.user, waitlist_entry=es_waiting
    )
    assert ticket.side == Side.ES


def test_joining_the_waiting_list_refused_while_your_side_has_seats():
    event = split_event(es=1, en=1)
    services.ticket_book(event=event, user=native("es"))
    with pytest.raises(Exception, match="Seats are available"):
        services.waitlist_join(event=event, user=native("en"))
    entry, created = services.waitlist_join(event=event, user=native("es"))
    assert created and entry.side == Side.ES


def test_a_freed_flexible_seat_goes_to_the_next_person_of_either_side():
    event = split_event(es=1, en=1, flexible=1)
    services.ticket_book(event=event, user=native("es"))
    flex_holder, _ = services.ticket_book(event=event, user=native("es"))
    services.ticket_book(event=event, user=native("en"))
    en_waiting, _ = services.waitlist_join(event=event, user=native("en"))
    es_waiting, _ = services.waitlist_join(event=event, user=native("es"))

    services.ticket_cancel(ticket=flex_holder)

    en_waiting.refresh_from_db()
    es_waiting.refresh_from_db()
    assert en_waiting.status == WaitlistStatus.OFFERED  # first in line, either side
    assert es_waiting.status == WaitlistStatus.WAITING
    ticket, _ = services.ticket_book(
        event=event, user=en_waiting.user, waitlist_entry=en_waiting
    )
    assert ticket.side == Side.EN
    assert seats_left_by_side(event=event) == {"es": 0, "en": 0}


def test_balance_counts_held_checked_in_and_left_per_side(django_assert_num_queries):
    event = split_event(es=3, en=2, flexible=2)
    es_tickets = [services.ticket_book(event=event, user=native("es"))[0] for _ in "12"]
    for _ in "1234":
        services.ticket_book(event=event, user=native("en"))
    services.ticket_check_in(code=es_tickets[0].code, event=event, actor=None)

    with django_assert_num_queries(2):  # seats held per side, then checked in
        balance = event_balance(event=event)

    assert balance["split"] is True
    assert (balance["capacity"], balance["held"], balance["checked_in"]) == (7, 6, 1)
    assert balance["left"] == 1
    es, en = balance["sides"]
    assert es == {
        "side": "es",
        "label": "Native Spanish speakers",
        "capacity": 3,
        "held": 2,
        "checked_in": 1,
        "left": 1,
    }
    assert (en["held"], en["checked_in"], en["left"]) == (4, 0, 0)
    assert balance["flexible"] == {"capacity": 2, "used": 2, "left": 0}


def test_balance_of_an_event_without_split_has_no_sides():
    event = EventFactory(capacity=5)
    services.ticket_book(event=event, user=UserFactory())
    balance = event_balance(event=event)
    assert balance["split"] is False
    assert balance["sides"] == [] and balance["flexible"] is None
    assert (balance["held"], balance["left"]) == (1, 4)


def test_split_larger_than_capacity_is_refused_by_the_model():
    from django.core.exceptions import ValidationError

    event = EventFactory.build(capacity=4, seats_es_native=3, seats_en_native=2)
    with pytest.raises(ValidationError):
        event.full_clean()


def test_confirming_a_late_payment_respects_the_side():
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    event = split_event(es=1, en=1, price=Decimal("5"))
    late, _ = services.ticket_book(event=event, user=native("es"))
    late.hold_expires_at = timezone.now() - timedelta(minutes=1)
    late.save()
    services.ticket_book(event=event, user=native("es"), payment_method="door")
    assert services.ticket_confirm_payment(ticket=late) is False
    late.refresh_from_db()
    assert late.status == TicketStatus.PENDING_PAYMENT
