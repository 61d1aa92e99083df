from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def errors_of(event):
    with pytest.raises(ValidationError) as exc:
        event.full_clean()
    return exc.value.message_dict


def test_end_must_be_after_start():
    event = EventFactory.build()
    event.ends_at = event.starts_at - timedelta(minutes=1)
    assert "ends_at" in errors_of(event)


def test_capacity_must_be_at_least_one():
    assert "capacity" in errors_of(EventFactory.build(capacity=0))


def test_price_cannot_be_negative():
    assert "price" in errors_of(EventFactory.build(price=Decimal("-1")))


def test_currency_must_be_iso_4217():
    messages = errors_of(EventFactory.build(currency="XYZ"))
    assert "ISO 4217" in messages["currency"][0]


def test_currency_without_minor_unit_rejects_cents():
    assert "price" in errors_of(
        EventFactory.build(currency="JPY", price=Decimal("10.50"))
    )
    EventFactory.build(currency="JPY", price=Decimal("1500")).full_clean()


def test_lowercase_currency_is_normalised():
    event = EventFactory.build(currency="usd")
    event.full_clean()
    assert event.currency == "USD"


def test_title_follows_active_language_and_falls_back():
    event = EventFactory.build(title_es="Hola", title_en="")
    with translation.override("en"):
        assert event.title == "Hola"
    event.title_en = "Hello"
    with translation.override("en"):
        assert event.title == "Hello"
    with translation.override("es"):
        assert event.title == "Hola"
