"""Two phones send the same ticket at the same moment, each thread on its own
database connection (transaction=True), released together by a barrier.

On SQLite the locking tests are skipped: SQLite serialises every write, so they
could not notice a removed row lock. They run on PostgreSQL in CI (`.ci/run` runs
the suite on both databases)."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from community.tests.factories import UserFactory
from door import services
from door.models import OfflineCheckin
from events.tests.factories import EventFactory
from tickets.models import Ticket, TicketStatus
from tickets.tests.factories import TicketFactory


def _race(calls):
    barrier = threading.Barrier(len(calls))
    answers, errors = [], []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=60)
            answer = call()
            with lock:
                answers.append(answer)
        except Exception as exc:  # noqa: BLE001 — reported by the assertion
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_phones_racing_for_one_ticket_admit_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    event = EventFactory()
    ticket = TicketFactory(event=event)
    phones = [UserFactory(role="volunteer") for _ in range(6)]

    def sync(actor):
        return lambda: services.checkin_sync_one(
            event=event,
            code=ticket.code,
            client_id=str(uuid.uuid4()),
            checked_in_at=timezone.now(),
            actor=actor,
        )

    answers, errors = _race([sync(p) for p in phones])

    assert errors == []
    assert sorted(a.ok for a in answers) == [False] * 5 + [True]
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CHECKED_IN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_batch_sent_twice_at_once_is_recorded_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    event = EventFactory()
    ticket = TicketFactory(event=event)
    volunteer = UserFactory(role="volunteer")

    def sync():
        return services.checkin_sync_one(
            event=event,
            code=ticket.code,
            client_id="same-client-id",
            checked_in_at=timezone.now(),
            actor=volunteer,
        )

    answers, errors = _race([sync, sync, sync])

    assert errors == []
    assert all(a.ok for a in answers)
    assert OfflineCheckin.objects.count() == 1
