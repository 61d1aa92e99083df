"""The door phone loses its connection: the ticket list is on the phone, check-ins
are queued, the page even reloads from the service worker's copy, and when the
network is back everything is synced — a ticket another phone admitted meanwhile
is reported, not admitted twice."""

import pytest

from door.models import OfflineCheckin
from events.tests.factories import EventFactory
from tickets.models import Ticket, TicketStatus
from tickets.services import ticket_check_in
from tickets.tests.factories import TicketFactory

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def _check_in(page, code):
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in", exact=True).click()


def test_offline_check_in_then_sync(page, volunteer, organizer, shot):
    event = EventFactory(title_en="Tuesday exchange")
    ana, ben, cleo = (
        TicketFactory(event=event, attendee_name=name)
        for name in ("Ana", "Ben", "Cleo")
    )
    login_in_browser(page, volunteer)
    page.goto(f"/en/tickets/door/{event.pk}/")
    door = page.locator("#door")
    page.locator('#door[data-list-saved="yes"]').wait_for(state="attached")
    page.locator('html[data-offline-ready="yes"]').wait_for(state="attached")
    page.wait_for_function(
        "caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k)"
        ".then(c => c.match(location.href, {ignoreVary: true}))))"
        ".then(rs => rs.some(Boolean)))"
    )

    page.context.set_offline(True)
    page.locator('#door[data-network="offline"]').wait_for(state="attached")
    _check_in(page, ana.display_code)
    assert "Checked in (offline): Ana" in page.locator("#door-result").inner_text()
    _check_in(page, ben.code.lower())
    _check_in(page, ana.code)
    assert "Already checked in" in page.locator("#door-result").inner_text()
    # Another phone, still online elsewhere, admits Cleo; this phone does too.
    ticket_check_in(code=cleo.code, event=event, actor=organizer)
    _check_in(page, cleo.code)
    assert door.get_attribute("data-queued") == "3"
    shot(page, "offline-queued")

    # The page survives a reload with no network (service worker copy + storage).
    page.reload()
    page.locator("#door").wait_for()
    assert page.locator("#door-queued").inner_text() == "3"

    page.context.set_offline(False)
    page.locator('#door[data-queued="0"]').wait_for(state="attached")
    conflicts = page.locator("#door-conflicts")
    assert "Another phone was first" in conflicts.inner_text()
    assert "Cleo" in conflicts.inner_text()
    shot(page, "synced")

    tickets = {t.attendee_name: t for t in Ticket.objects.filter(event=event)}
    assert {t.status for t in tickets.values()} == {TicketStatus.CHECKED_IN}
    assert tickets["Ana"].checked_in_by == volunteer
    assert tickets["Ben"].checked_in_by == volunteer
    assert tickets["Cleo"].checked_in_by == organizer
    assert OfflineCheckin.objects.filter(outcome="checked_in").count() == 2
    assert OfflineCheckin.objects.filter(outcome="already_checked_in").count() == 1
    assert page.locator("#count-checked-in").inner_text() == "3"
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
