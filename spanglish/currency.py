"""ISO 4217 currencies and their minor units, from Babel's CLDR data."""

from decimal import Decimal

from babel.numbers import get_currency_precision, list_currencies

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
