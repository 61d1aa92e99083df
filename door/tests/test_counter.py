"""The door's counter reads as a sentence in each language, plural-aware."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from events.tests.factories import EventFactory
from tickets.models import TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "inside", "sentence", "one", "other"),
    [
        (
            "es",
            1,
            'Ha entrado <strong id="count-checked-in">1</strong> de '
            '<span id="count-expected">2</span>',
            'data-one="Ha entrado %(checked_in)s de %(expected)s"',
            'data-other="Han entrado %(checked_in)s de %(expected)s"',
        ),
        (
            "es",
            0,
            'Han entrado <strong id="count-checked-in">0</strong> de',
            "",
            "",
        ),
        (
            "en",
            1,
            '<strong id="count-checked-in">1</strong> of '
            '<span id="count-expected">2</span> checked in',
            'data-one="%(checked_in)s of %(expected)s checked in"',
            'data-other="%(checked_in)s of %(expected)s checked in"',
        ),
    ],
)
def test_counter_is_a_sentence_in_the_pages_language(
    client, volunteer, lang, inside, sentence, one, other
):
    event = EventFactory()
    TicketFactory(event=event)
    if inside:
        TicketFactory(
            event=event, status=TicketStatus.CHECKED_IN, checkin_at=timezone.now()
        )
    else:
        TicketFactory(event=event)
    client.force_login(volunteer)
    with translation.override(lang):
        url = reverse("tickets:door-event", kwargs={"event_id": event.pk})

    html = client.get(url).content.decode()

    assert sentence in html
    assert one in html and other in html
    assert "Entrada registrada:" not in html
