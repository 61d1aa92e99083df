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
