"""The booking write path (issue 20): one transaction and one commit per booking,
only the seat count under the event lock, the confirmation email rendered by the
worker, and the plain seat count that runs under the lock agreeing with the
selectors' count in every state a seat can be in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from community.models import AuditLog
from community.tests.factories import UserFactory
from emails.models import EmailLog, EmailStatus
from events.models import Event, EventStatus
from events.tests.factories import EventFactory
from tickets import services
from tickets.models import (
    PaymentMethod,
    Side,
    Ticket,
    TicketStatus,
    WaitingListEntry,
    WaitlistStatus,
)
from tickets.selectors import held_by_side
from tickets.services.seats import held_now, lock_event_counting_held
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

CONFIRMATION_TASK = "tickets.notifications.ticket_confirmed_email"


def _every_seat_state(event, other_event):
    """Tickets and waiting-list entries of `event` in every status, on every side,
    plus some of another event; returns (a held ticket, an open offer)."""
    now = timezone.now()
    held_ticket = None
    for side in ("es", "en", ""):
        for status in TicketStatus.values:
            hold = None
            if status == TicketStatus.PENDING_PAYMENT:
                hold = now + timedelta(minutes=5)
            ticket = TicketFactory(
                event=event,
                status=status,
                side=side,
                hold_expires_at=hold,
                checkin_at=now if status == TicketStatus.CHECKED_IN else None,
            )
            held_ticket = held_ticket or (ticket if ticket.holds_seat else None)
        # A hold that ran out and that the minute job has not expired yet.
        TicketFactory(
            event=event,
            status=TicketStatus.PENDING_PAYMENT,
            side=side,
            hold_expires_at=now - timedelta(minutes=1),
        )
    offer = None
    for side in ("es", "en", ""):
        for status, ends in [
            (WaitlistStatus.OFFERED, now + timedelta(hours=1)),
            (WaitlistStatus.OFFERED, now - timedelta(minutes=1)),  # ran out
            (WaitlistStatus.WAITING, None),
            (WaitlistStatus.BOOKED, None),
            (WaitlistStatus.EXPIRED, None),
        ]:
            user = UserFactory()
            entry = WaitingListEntry.objects.create(
                event=event,
                user=user,
                email=user.email,
                side=side,
                status=status,
                offer_expires_at=ends,
            )
            if entry.offer_is_open and offer is None:
                offer = entry
    TicketFactory(event=other_event, side="es")
    return held_ticket, offer


def test_the_count_under_the_lock_agrees_with_the_selectors_in_every_state():
    event = EventFactory(capacity=100, seats_es_native=20, seats_en_native=20)
    held_ticket, offer = _every_seat_state(event, EventFactory())

    # Confirmed, checked in and a running hold, per side; one open offer each.
    assert held_now(event=event) == {"es": 4, "en": 4, "": 4}
    for ticket in (None, held_ticket):
        for entry in (None, offer):
            assert held_now(
                event=event, exclude_ticket=ticket, exclude_offer=entry
            ) == held_by_side(event=event, exclude_ticket=ticket, exclude_offer=entry)
    assert held_now(event=event, exclude_ticket=held_ticket)[held_ticket.side] == 3


def test_the_lock_sent_with_the_count_reads_the_event_and_seats_as_the_orm_does():
    event = EventFactory(
        capacity=100, seats_es_native=20, seats_en_native=20, price=Decimal("12.50")
    )
    held_ticket, _offer = _every_seat_state(event, EventFactory())

    with transaction.atomic():
        locked, held = lock_event_counting_held(event, exclude_ticket=held_ticket)

    assert held == held_now(event=event, exclude_ticket=held_ticket)
    assert held[held_ticket.side] == 3
    fields = [f.attname for f in Event._meta.concrete_fields]
    fresh = Event.objects.get(pk=event.pk)
    assert [getattr(locked, f) for f in fields] == [getattr(fresh, f) for f in fields]
    assert locked.price == Decimal("12.50") and locked.is_bookable
    with pytest.raises(Event.DoesNotExist), transaction.atomic():
        lock_event_counting_held(EventFactory.build())


@pytest.mark.django_db(transaction=True)  # the worker reads what was committed
def test_the_booking_request_queues_its_email_and_the_worker_renders_it(
    settings, mailoutbox
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = UserFactory(language="en")
    event = EventFactory()

    ticket, created = services.ticket_book(event=event, user=user)

    assert created
    # Nothing rendered in the request: the task row is all it wrote.
    assert not EmailLog.objects.exists()
    [task] = DBTaskResult.objects.filter(task_path=CONFIRMATION_TASK)
    assert task.args_kwargs["args"] == [str(ticket.pk)]

    # The worker renders and logs it, then (its next task) delivers it.
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0)

    log = EmailLog.objects.get(template="ticket_confirmed")
    assert log.user == user
    assert log.status == EmailStatus.SENT
    assert {a["filename"] for a in log.attachments} == {"ticket-qr.png", "event.ics"}
    [message] = mailoutbox
    assert ticket.display_code in message.body


def test_a_refused_booking_leaves_no_ticket_audit_entry_or_email_task(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = EventFactory(capacity=1)
    services.ticket_book(event=event, user=UserFactory())
    refused = UserFactory()

    with pytest.raises(services.SoldOut):
        services.ticket_book(event=event, user=refused)

    assert not Ticket.objects.filter(user=refused).exists()
    assert AuditLog.objects.filter(action="ticket.booked").count() == 1
    assert DBTaskResult.objects.filter(task_path=CONFIRMATION_TASK).count() == 1


def test_the_holder_gets_their_ticket_back_when_the_event_is_full_or_closed():
    event = EventFactory(capacity=1)
    user = UserFactory()
    ticket, _ = services.ticket_book(event=event, user=user)
    with pytest.raises(services.SoldOut):
        services.ticket_book(event=event, user=UserFactory())

    assert services.ticket_book(event=event, user=user) == (ticket, False)
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])
    assert services.ticket_book(event=event, user=user) == (ticket, False)
    with pytest.raises(ValidationError):
        services.ticket_book(event=event, user=UserFactory())


def test_a_price_set_after_the_page_was_read_is_charged():
    event = EventFactory(price=Decimal("0"))
    stale = type(event).objects.get(pk=event.pk)  # what the request read
    event.price = Decimal("9.00")
    event.save(update_fields=["price"])

    ticket, created = services.ticket_book(event=stale, user=UserFactory())

    assert created
    assert ticket.payment_method == PaymentMethod.ONLINE
    assert ticket.status == TicketStatus.PENDING_PAYMENT


def test_a_side_settled_by_nobody_goes_to_the_emptier_side_counted_under_the_lock():
    event = EventFactory(capacity=4, seats_es_native=2, seats_en_native=2)
    TicketFactory(event=event, side=Side.ES)

    ticket, _ = services.ticket_book(event=event, user=UserFactory())

    assert ticket.side == Side.EN


@pytest.mark.django_db(transaction=True)
def test_a_booking_is_one_transaction_that_holds_the_lock_only_to_count(settings):
    # As in production: the email's task row is part of the booking's transaction.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = EventFactory(capacity=5)
    TicketFactory(event=event)
    user = UserFactory()

    with CaptureQueriesContext(connection) as captured:
        ticket, created = services.ticket_book(event=event, user=user)

    assert created
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    assert "SAVEPOINT" not in statements
    if connection.vendor == "postgresql":
        # BEGIN; the ticket, its audit entry and email task; the lock; the count;
        # COMMIT.
        assert statements.count("COMMIT") == 1
        lock = next(
            i
            for i, q in enumerate(captured.captured_queries)
            if "FOR NO KEY UPDATE" in q["sql"]
        )
        after_lock = captured.captured_queries[lock + 1 :]
        assert [q["sql"].split()[0].upper() for q in after_lock] == ["SELECT", "COMMIT"]
        assert "COUNT(*)" in after_lock[0]["sql"]
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CONFIRMED
