"""ISO 4217 currencies, their minor units and how an amount reads in each
language, from Babel's CLDR data."""

from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision, list_currencies
from django.conf import settings
from django.utils import translation

CURRENCIES = frozenset(list_currencies())


def is_currency(code: str) -> bool:
    return code in CURRENCIES


def minor_units(code: str) -> int:
    """Digits after the decimal point: 2 for EUR, 0 for JPY or CLP."""
    return get_currency_precision(code)


def to_minor(amount: Decimal, code: str) -> int:
    """Decimal amount → integer minor units (what Stripe expects)."""
    return int((amount * (10 ** minor_units(code))).to_integral_value())


def from_minor(value: int, code: str) -> Decimal:
    return Decimal(value).scaleb(-minor_units(code))


def format_money(
    amount: Decimal | int | str | None, currency: str, *, language: str | None = None
) -> str:
    """An amount as a person reads it in `language` (the active one by default):
    "15,00 €" in Spanish, "€15.00" in English, CLP and JPY without decimals.

    The one way money is shown on pages, emails and admin; the JSON API keeps raw
    decimals. The space in "15,00 €" is a no-break space, so the sign never wraps
    onto a line of its own. None (nothing to show) gives "".
    """
    if amount is None or amount == "":
        return ""
    return format_currency(
        Decimal(str(amount)), (currency or "").upper(), locale=_locale(language)
    )


def _locale(language: str | None) -> Locale:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))
