"""What a scan at the door must not cost the rest of the site."""

import pytest
from django.db import connection

from community.models import AuditLog
from events.caching import public_version
from tickets import services
from tickets.models import Ticket, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_scanning_a_ticket_keeps_the_public_pages_cached(volunteer):
    """A check-in changes nothing a visitor sees (the seat stays held): a night of
    scans must not throw away the home page, event list and public API caches."""
    ticket = TicketFactory()
    before = public_version()

    result = services.ticket_check_in(
        code=ticket.code, event=ticket.event, actor=volunteer
    )

    assert result.ok
    assert public_version() == before
    checked_in = Ticket.objects.get(pk=ticket.pk)
    assert checked_in.status == TicketStatus.CHECKED_IN
    assert checked_in.checked_in_by == volunteer
    assert checked_in.updated_at == checked_in.checkin_at


def test_a_scan_finds_and_locks_the_ticket_in_one_statement(
    volunteer, django_assert_num_queries
):
    """At a busy door every statement is a round trip under the ticket's lock. On
    PostgreSQL a first scan is BEGIN, one UPDATE that finds, locks and admits the
    ticket and returns it with its event, the audit INSERT and COMMIT; elsewhere
    the locking SELECT (ticket, event and checker in one) comes before the UPDATE.
    The event is not fetched on its own when only its id is known (the scanners'
    API)."""
    first, second = TicketFactory(), TicketFactory()
    postgres = connection.vendor == "postgresql"

    with django_assert_num_queries(4 if postgres else 5) as captured:
        result = services.ticket_check_in(
            code=first.code, event_id=first.event_id, actor=volunteer
        )
    assert result.ok and result.ticket.event == first.event
    assert result.ticket.event.title == first.event.title
    assert result.ticket.checked_in_by == volunteer
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert statements.count("SELECT") == (0 if postgres else 1)
    assert statements.count("UPDATE") == 1
    assert statements.count("INSERT") == 1

    services.ticket_check_in(code=second.code, event=second.event, actor=volunteer)
    # A repeated scan: on PostgreSQL the UPDATE admits nothing, then the locking
    # SELECT finds why.
    with django_assert_num_queries(5 if postgres else 4) as captured:
        again = services.ticket_check_in(
            code=second.code, event=second.event, actor=volunteer
        )
    assert again.outcome == services.CheckinOutcome.ALREADY
    assert str(volunteer) in again.message
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert statements.count("SELECT") == 1 and statements.count("INSERT") == 1


def test_the_one_statement_check_in_reads_the_ticket_as_the_orm_does(volunteer):
    """What the scan answers and audits is the row as written: the ticket the
    check-in returns equals, field by field, the one read back through the ORM,
    and the audit entry names the attendee and the event."""
    ticket = TicketFactory(attendee_name="Lucía Pérez")

    result = services.ticket_check_in(
        code=ticket.code, event_id=str(ticket.event_id), actor=volunteer
    )

    stored = Ticket.objects.get(pk=ticket.pk)
    for field in Ticket._meta.concrete_fields:
        assert getattr(result.ticket, field.attname) == getattr(
            stored, field.attname
        ), field.name
    assert result.ticket.event.currency == ticket.event.currency
    entry = AuditLog.objects.get(action="ticket.checked_in")
    assert entry.target_label == f"Lucía Pérez — {ticket.event.title}"
    assert entry.actor == volunteer
