"""What tickets gives community through its seams (community.contributors): the
erasure of a member's seats and waiting-list entries, and the account's ticket
page mounted from tickets."""

import pytest
from django.urls import reverse

from community.privacy import ERASED_NAME, user_erase
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets.models import Ticket, WaitingListEntry
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_erased_member_leaves_no_name_or_address_on_waiting_lists(admin_user):
    member = UserFactory(name="Ana Secreta", email="ana@example.com")
    event = EventFactory(capacity=1)
    TicketFactory(event=event)  # the one seat: Ana waits
    mine = WaitingListEntry.objects.create(
        event=event, user=member, name="Ana Secreta", email="ana@example.com"
    )
    user_erase(user=member, actor=admin_user)
    mine.refresh_from_db()
    # Whoever reads the waiting list afterwards finds no trace of who she was.
    assert mine.name == ERASED_NAME and mine.email == ""
    assert not WaitingListEntry.objects.filter(email__iexact="ana@example.com").exists()


def test_erasure_reaches_tickets_booked_for_the_address_by_someone_else(admin_user):
    member = UserFactory(email="ana@example.com")
    booked_for_her = TicketFactory(attendee_email="ana@example.com")
    user_erase(user=member, actor=admin_user)
    booked_for_her.refresh_from_db()
    assert booked_for_her.attendee_email == ""
    assert booked_for_her.attendee_name == ERASED_NAME
    assert not Ticket.objects.filter(attendee_email__iexact="ana@example.com").exists()


def test_my_tickets_keeps_its_address_under_the_tickets_namespace(client, member):
    TicketFactory(user=member)
    client.force_login(member)
    assert reverse("tickets:mine") == "/en/account/tickets/"
    page = client.get("/en/account/tickets/").content.decode()
    # The account menu marks the page it is on.
    assert 'href="/en/account/tickets/" aria-current="page"' in page
