"""Money reads in the page's language through one helper: "15,00 €" on Spanish
pages, "€15.00" on English ones, never "15.00 EUR"."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from events.tests.factories import EventFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SHOWN = {"es": "15,00\xa0€", "en": "€15.00"}


def _in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("language", ["es", "en"])
def test_event_page_shows_the_price_in_the_pages_language(client, language):
    event = EventFactory(price=Decimal("15"), currency="EUR")

    html = client.get(_in(language, "events:detail", slug=event.slug)).content.decode()

    assert SHOWN[language] in html
    assert "15.00 EUR" not in html
    assert "15,00 EUR" not in html


@pytest.mark.parametrize("language", ["es", "en"])
def test_door_booking_shows_and_emails_the_amount_in_the_pages_language(
    client, member, language, mailoutbox, django_capture_on_commit_callbacks
):
    member.language = language
    member.save()
    event = EventFactory(price=Decimal("15"), currency="EUR")
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _in(language, "tickets:book", event_id=event.pk), {"payment": "door"}
        )
    ticket = Ticket.objects.get(user=member)
    with translation.override(language):
        page = client.get(ticket.get_absolute_url()).content.decode()

    assert SHOWN[language] in page
    assert any(SHOWN[language] in mail.body for mail in mailoutbox)
    assert not any("15.00 EUR" in mail.body for mail in mailoutbox)


@pytest.mark.parametrize("language", ["es", "en"])
def test_door_manifest_keeps_the_raw_amount_and_adds_it_for_display(
    auth_client, volunteer, language
):
    from tickets.models import PaymentMethod
    from tickets.tests.factories import TicketFactory

    event = EventFactory(price=Decimal("15"), currency="EUR")
    TicketFactory(event=event, payment_method=PaymentMethod.DOOR, amount_due=15)
    client = auth_client(volunteer)

    data = client.get(
        f"/api/door/events/{event.pk}/manifest", HTTP_ACCEPT_LANGUAGE=language
    ).json()

    (ticket,) = data["tickets"]
    assert ticket["collect"] == "15.00"  # the API's decimal, unchanged
    assert ticket["collect_display"] == SHOWN[language]
