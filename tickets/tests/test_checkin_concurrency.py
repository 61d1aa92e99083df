"""Phones scanning at once, each thread on its own database connection
(transaction=True), released together by a barrier.

On SQLite these are skipped: SQLite serialises every write, so they could not notice
a removed or a needless row lock. They run on PostgreSQL in CI."""

import threading
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, connections, transaction

from community.models import AuditLog
from community.tests.factories import UserFactory
from events.models import Event
from payments.models import Payment, PaymentStatus, Provider
from tickets import services
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


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


def _scan(ticket, actor, **kwargs):
    return lambda: services.ticket_check_in(
        code=ticket.code, event=ticket.event, actor=actor, **kwargs
    )


def test_one_code_scanned_on_six_phones_at_once_admits_once():
    ticket = TicketFactory()
    phones = [UserFactory(role="volunteer") for _ in range(6)]

    answers, errors = _race([_scan(ticket, p) for p in phones])

    assert errors == []
    assert sorted(a.outcome for a in answers) == [
        services.CheckinOutcome.ALREADY
    ] * 5 + [services.CheckinOutcome.CHECKED_IN]
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CHECKED_IN
    assert AuditLog.objects.filter(action="ticket.checked_in").count() == 1


def test_pay_at_door_code_scanned_on_four_phones_records_the_cash_once():
    ticket = TicketFactory(
        payment_method=PaymentMethod.DOOR, amount_due=Decimal("15.00")
    )
    phones = [UserFactory(role="volunteer") for _ in range(4)]

    answers, errors = _race(
        [_scan(ticket, p, cash=services.CheckinCash.RECEIVED) for p in phones]
    )

    assert errors == []
    assert sum(a.ok for a in answers) == 1
    cash = Payment.objects.filter(
        provider=Provider.CASH, status=PaymentStatus.SUCCEEDED
    )
    assert [p.amount for p in cash] == [Decimal("15.00")]


def test_scan_does_not_wait_for_a_booking_holding_the_event_row():
    """A booking (or a cash count) locks the event row while it counts seats; a
    free ticket's scan at the same door must not queue behind it."""
    ticket = TicketFactory()
    volunteer = UserFactory(role="volunteer")
    locked, release = threading.Event(), threading.Event()

    def hold_event():
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=ticket.event_id)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_event)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            try:
                result = services.ticket_check_in(
                    code=ticket.code, event=ticket.event, actor=volunteer
                )
            except OperationalError:  # lock timeout: the scan queued
                result = None
    finally:
        release.set()
        holder.join()

    assert result is not None and result.ok
