"""format_money: one way money reads on pages, emails and admin, in each language."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from spanglish.currency import format_money

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        (Decimal("15"), "EUR", "es", f"15,00{NBSP}€"),
        (Decimal("15"), "EUR", "en", "€15.00"),
        (Decimal("1234.5"), "EUR", "es", f"1.234,50{NBSP}€"),
        (Decimal("1234.5"), "EUR", "en", "€1,234.50"),
        (Decimal("15000"), "CLP", "es", f"15.000{NBSP}CLP"),
        (Decimal("15000"), "CLP", "en", "CLP15,000"),
        (Decimal("9.50"), "USD", "es", f"9,50{NBSP}US$"),
        (Decimal("9.50"), "USD", "en", "$9.50"),
        (Decimal("-0.50"), "EUR", "es", f"-0,50{NBSP}€"),
        (Decimal("-0.50"), "EUR", "en", "-€0.50"),
        ("7.3", "eur", "en", "€7.30"),  # JSON snapshots keep amounts as strings
        (0, "JPY", "en", "¥0"),
    ],
)
def test_format_money_in_each_language(amount, currency, language, expected):
    assert format_money(amount, currency, language=language) == expected


def test_zero_decimal_currency_shows_no_decimals():
    assert format_money(Decimal("15000.00"), "CLP", language="es") == f"15.000{NBSP}CLP"
    assert format_money(Decimal("1500"), "JPY", language="en") == "¥1,500"


def test_format_money_follows_the_active_language():
    with translation.override("es"):
        assert format_money(Decimal("15"), "EUR") == f"15,00{NBSP}€"
    with translation.override("en"):
        assert format_money(Decimal("15"), "EUR") == "€15.00"


def test_unknown_language_falls_back_to_the_site_language(settings):
    settings.LANGUAGE_CODE = "es"
    assert format_money(Decimal("15"), "EUR", language="xx-nope") == f"15,00{NBSP}€"


def test_nothing_to_show_is_empty():
    assert format_money(None, "EUR") == ""


def test_money_filter_in_templates():
    template = Template("{% load money %}{{ amount|money:currency }}")
    with translation.override("es"):
        text = template.render(Context({"amount": Decimal("15"), "currency": "EUR"}))
    assert text == f"15,00{NBSP}€"
