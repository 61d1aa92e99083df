from datetime import timedelta

import pytest
from django.utils import timezone

from community.languages import user_set_languages
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets import services
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def test_event_admin_shows_the_language_balance(
    client, admin_user, django_assert_max_num_queries
):
    event = EventFactory(capacity=6, seats_es_native=2, seats_en_native=2)
    user = UserFactory()
    user_set_languages(user=user, skills=[{"language": "es", "kind": "native"}])
    services.ticket_book(event=event, user=user)
    EventFactory()  # not split
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        listing = client.get("/admin/events/event/", headers=EN).content.decode()
    assert "ES 1/2 · EN 0/2 · +2" in listing
    page = client.get(f"/admin/events/event/{event.pk}/change/", headers=EN)
    page = page.content.decode()
    assert "Native Spanish speakers: 1 held (0 checked in), 3 left" in page
    assert 'name="seats_es_native"' in page


def test_ticket_admin_filters_no_shows(client, admin_user):
    starts = timezone.now() - timedelta(days=3)
    past = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2))
    missed = TicketFactory(event=past, attendee_name="Missed Person")
    TicketFactory(event=EventFactory(), attendee_name="Coming Person")
    client.force_login(admin_user)
    html = client.get("/admin/tickets/ticket/?no_show=yes", headers=EN)
    html = html.content.decode()
    assert missed.attendee_name in html
    assert "Coming Person" not in html
