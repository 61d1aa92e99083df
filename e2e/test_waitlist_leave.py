"""Leaving the waiting list from the event page (issue 18), as a member on a phone
in Spanish: the event page says "Estás en la lista de espera — salir de la lista",
the link asks first, and the confirmation takes them off and back to the event.

Screenshots: artifacts/screenshots/test_member_leaves_the_waiting_list_*."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from community.models import AuditLog
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets import services
from tickets.models import WaitlistStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_leaves_the_waiting_list_from_the_event_page_on_a_phone(
    phone_page, login, shot
):
    event = EventFactory(capacity=1, title_es="Intercambio de tapas")
    TicketFactory(event=event)  # the only seat: sold out
    member = UserFactory(language="es", name="Lucía")
    entry, _ = services.waitlist_join(event=event, user=member)
    login(phone_page, member)
    with translation.override("es"):
        url = event.get_absolute_url()
    phone_page.goto(url)

    status = phone_page.locator(".waitlist-status")
    expect(status).to_contain_text("Estás en la lista de espera")
    status.scroll_into_view_if_needed()
    shot(phone_page, "event-page")
    box = status.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # fits the phone

    status.get_by_role("link", name="salir de la lista").click()
    expect(phone_page).to_have_url(re.compile(r"/es/tickets/waitlist/.+/leave/$"))
    expect(phone_page.get_by_role("heading", level=1)).to_have_text(
        "¿Salir de la lista de espera?"
    )
    shot(phone_page, "confirm")
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING  # asking changes nothing

    phone_page.get_by_role("button", name="Sí, salir de la lista de espera").click()
    expect(phone_page).to_have_url(re.compile(rf"{re.escape(url)}$"))
    expect(phone_page.get_by_text("Has salido de la lista de espera.")).to_be_visible()
    expect(
        phone_page.get_by_role("button", name="Apuntarme a la lista de espera")
    ).to_be_visible()
    shot(phone_page, "left")
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.CANCELLED
    assert AuditLog.objects.get(action="waitlist.left").actor_id == member.pk
