"""What a scan at the door must not cost the rest of the site."""

import pytest

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
    """At a busy door every statement is a round trip under the ticket's lock: a
    first scan is BEGIN, the locking SELECT (ticket, event and checker in one), the
    UPDATE, the audit INSERT and COMMIT; the event is not fetched on its own when
    only its id is known (the scanners' API)."""
    first, second = TicketFactory(), TicketFactory()

    with django_assert_num_queries(5) as captured:
        result = services.ticket_check_in(
            code=first.code, event_id=first.event_id, actor=volunteer
        )
    assert result.ok and result.ticket.event == first.event
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert statements.count("SELECT") == 1
    assert statements.count("UPDATE") == 1
    assert statements.count("INSERT") == 1

    services.ticket_check_in(code=second.code, event=second.event, actor=volunteer)
    with django_assert_num_queries(4) as captured:
        again = services.ticket_check_in(
            code=second.code, event=second.event, actor=volunteer
        )
    assert again.outcome == services.CheckinOutcome.ALREADY
    assert str(volunteer) in again.message
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert statements.count("SELECT") == 1 and statements.count("INSERT") == 1
