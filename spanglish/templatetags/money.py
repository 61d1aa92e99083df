"""`{% load money %}{{ amount|money:currency }}`: money in the active language
through spanglish.currency.format_money ("15,00 €" / "€15.00").

The core package is not an installed app, so settings.TEMPLATES names this
library under OPTIONS["libraries"]; every app's templates can load it.
"""

from django import template

from spanglish.currency import format_money

register = template.Library()


@register.filter
def money(amount, currency) -> str:
    return format_money(amount, currency)
