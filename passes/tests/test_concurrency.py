"""Concurrent pass bookings: threads on their own connections, released together
by a barrier, committing for real (transaction=True).

On SQLite these tests are skipped: SQLite serialises every write, so they could
not notice a removed row lock. They run on PostgreSQL in CI (`.ci/run` runs the
suite on both databases)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from passes import services
from passes.models import Pass, PassUse
from passes.tests.factories import PassFactory, PassProductFactory
from tickets.models import Ticket


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_spend_more_sessions_than_the_pass_has():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    holder = UserFactory()
    pass_purchase = PassFactory(user=holder, product=PassProductFactory(sessions=3))
    events = [EventFactory(price=Decimal("10")) for _ in range(8)]
    barrier = threading.Barrier(len(events))
    outcomes = []

    def book(event):
        try:
            barrier.wait()
            services.pass_book_session(
                pass_=Pass(pk=pass_purchase.pk), event=event, user=holder
            )
            outcomes.append("booked")
        except services.PassNotUsable:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(e,)) for e in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked"] * 3 + ["refused"] * 5
    assert PassUse.objects.count() == 3
    assert Ticket.objects.filter(user=holder).count() == 3
    assert Pass.objects.get(pk=pass_purchase.pk).sessions_left == 0
