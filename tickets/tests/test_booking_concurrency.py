"""The booking path under real concurrency on PostgreSQL (threads on their own
connections, released together by a barrier, committing for real): a booking
inserts its ticket before it locks the event, so these check that nothing
oversells, that one person still gets one ticket, and that bookings, cancellations
and an organizer editing the event (which locks the row FOR UPDATE) never
deadlock. SQLite serialises every write, so they run on PostgreSQL only."""

import threading

import pytest
from django.db import connection, connections, transaction

from community.tests.factories import UserFactory
from events.services import event_update
from events.tests.factories import EventFactory
from tickets import services
from tickets.models import Ticket
from tickets.selectors import held_by_side
from tickets.services.seats import held_now, lock_event
from tickets.tests.factories import TicketFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(jobs) -> list:
    """Run each job in its own thread and connection, released at once; returns
    (job index, outcome) per job: the result, or the exception raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=60)
            outcomes[i] = job()
        except Exception as exc:  # noqa: BLE001 — the test looks at each outcome
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def test_one_person_booking_eight_times_at_once_gets_one_ticket():
    event = EventFactory(capacity=5)
    user = UserFactory()

    outcomes = _together([lambda: services.ticket_book(event=event, user=user)] * 8)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    [ticket] = Ticket.objects.filter(event=event)
    assert {o[0].pk for o in outcomes} == {ticket.pk}
    assert sum(1 for o in outcomes if o[1]) == 1  # created once


def test_bookings_cancellations_and_an_event_edit_at_once_never_oversell_or_deadlock(
    organizer,
):
    event = EventFactory(capacity=10)
    held = [services.ticket_book(event=event, user=UserFactory())[0] for _ in range(10)]
    buyers = [UserFactory() for _ in range(30)]
    jobs = [lambda t=t: services.ticket_cancel(ticket=t, actor=organizer) for t in held]
    jobs += [lambda u=u: services.ticket_book(event=event, user=u) for u in buyers]
    jobs += [
        lambda n=n: event_update(event=event, actor=organizer, venue_name=f"Room {n}")
        for n in range(3)
    ]

    outcomes = _together(jobs)

    errors = [
        repr(o)
        for o in outcomes
        if isinstance(o, Exception) and not isinstance(o, services.SoldOut)
    ]
    assert errors == []
    sold = [o for o in outcomes[10:40] if isinstance(o, tuple)]
    holding = Ticket.objects.filter(event=event).holding_seats()
    # Every seat a cancellation freed went to at most one buyer.
    assert holding.count() == len(sold) <= 10
    assert set(holding.values_list("pk", flat=True)) == {t.pk for t, _ in sold}
    assert held_now(event=event) == held_by_side(event=event)


def test_a_booking_counts_only_once_the_seat_write_before_it_has_committed():
    event = EventFactory(capacity=1)
    locked, release = threading.Event(), threading.Event()

    def last_seat_taken_elsewhere():
        # Another seat write (a walk-in at the door, say) holds the event row
        # while it takes the last seat.
        try:
            with transaction.atomic():
                lock_event(event)
                TicketFactory(event=event)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    booked: list = []

    def book():
        try:
            booked.append(services.ticket_book(event=event, user=UserFactory()))
        except Exception as exc:  # noqa: BLE001 — asserted below
            booked.append(exc)
        finally:
            connections.close_all()

    other = threading.Thread(target=last_seat_taken_elsewhere)
    other.start()
    assert locked.wait(timeout=30)
    buyer = threading.Thread(target=book)
    buyer.start()
    buyer.join(timeout=1)
    assert buyer.is_alive()  # waiting for the event row, its ticket not yet counted
    release.set()
    other.join()
    buyer.join(timeout=30)

    [outcome] = booked
    assert isinstance(outcome, services.SoldOut)
    assert Ticket.objects.filter(event=event).count() == 1
