"""Real concurrent buyers, each thread on its own database connection, released
together by a barrier. Django's usual test transaction would hide locking bugs, so
these tests commit for real (transaction=True).

On SQLite a removed row lock goes unnoticed (SQLite serialises every write), so
the test that runs there checks the outcome only; the PostgreSQL ones are what
guard the locks, and CI runs them (`.ci/run` runs the suite on both databases)."""

import threading
import time

import pytest
from django.db import OperationalError, connection, connections

from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets import services
from tickets.models import Ticket


def _book_retrying_shared_cache_locks(event, user):
    """The in-memory SQLite test database uses shared cache, whose table locks do
    not wait for the busy timeout; a refused transaction is retried whole."""
    for _ in range(200):
        try:
            return services.ticket_book(event=event, user=user)
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("SQLite stayed locked")


def _storm(*, buyers: int, seats: int) -> tuple[int, int, list]:
    event = EventFactory(capacity=seats)
    users = [UserFactory() for _ in range(buyers)]
    barrier = threading.Barrier(buyers)
    sold, refused, errors = [], [], []
    lock = threading.Lock()

    def buy(user):
        try:
            barrier.wait(timeout=60)
            _book_retrying_shared_cache_locks(event, user)
            with lock:
                sold.append(user.pk)
        except services.SoldOut:
            with lock:
                refused.append(user.pk)
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    held = Ticket.objects.filter(event=event).holding_seats().count()
    assert held == len(sold)
    return len(sold), len(refused), errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_hundred_buyers_for_twenty_seats_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    sold, refused, errors = _storm(buyers=100, seats=20)
    assert errors == []
    assert (sold, refused) == (20, 80)


@pytest.mark.django_db(transaction=True)
def test_concurrent_buyers_never_oversell_on_any_database():
    # SQLite serialises writers (BEGIN IMMEDIATE); a small storm keeps it quick.
    sold, refused, errors = _storm(buyers=8, seats=3)
    assert errors == []
    assert (sold, refused) == (3, 5)
