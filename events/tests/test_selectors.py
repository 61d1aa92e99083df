from decimal import Decimal

import pytest

from events.models import Event, EventStatus
from events.selectors import event_published_by_pk
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_a_published_event_is_read_as_stored():
    """The bookings' event lookup (one hand-written statement) builds the same
    event, field by field, as the ORM, from the id as a UUID or as text — a second
    read too, through the converters kept from the first."""
    event = EventFactory(
        price=Decimal("12.50"), capacity=30, seats_es_native=12, seats_en_native=8
    )
    stored = Event.objects.get(pk=event.pk)
    for pk in (event.pk, str(event.pk), event.pk):
        found = event_published_by_pk(pk)
        for field in Event._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(stored, field.attname), (
                field.name
            )
            assert type(getattr(found, field.attname)) is type(
                getattr(stored, field.attname)
            ), field.name


@pytest.mark.parametrize(
    "status", [EventStatus.DRAFT, EventStatus.CANCELLED, EventStatus.COMPLETED]
)
def test_an_event_that_is_not_published_is_not_found(status):
    event = EventFactory(status=status)
    assert event_published_by_pk(event.pk) is None


def test_an_unknown_or_malformed_id_is_not_found():
    assert event_published_by_pk("00000000-0000-4000-8000-000000000000") is None
    assert event_published_by_pk("not-an-id") is None
