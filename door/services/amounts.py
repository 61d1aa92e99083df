"""Amounts typed at the door (cash taken, cash counted)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from spanglish.currency import minor_units


def money_amount(value, *, currency: str, field: str) -> Decimal:
    """`value` as an amount of `currency` (its minor units: 15.00 EUR, 1500 CLP);
    a field error otherwise."""
    step = Decimal(1).scaleb(-minor_units(currency))
    try:
        amount = Decimal(str(value)).quantize(step)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount.")}) from None
    if amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    return amount
