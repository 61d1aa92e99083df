from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from events.models import Event, EventStatus


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    title_es = factory.Sequence(lambda n: f"Intercambio {n}")
    title_en = factory.Sequence(lambda n: f"Exchange {n}")
    description_es = "Hablamos en español e inglés."
    description_en = "We speak Spanish and English."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    venue_name = "Café Central"
    venue_address = "Plaza Mayor 1, Madrid"
    price = Decimal("0")
    currency = "EUR"
    capacity = 20
    status = EventStatus.PUBLISHED
