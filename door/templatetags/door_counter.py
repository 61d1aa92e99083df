from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

register = template.Library()


def _sentence(checked_in: int) -> str:
    # Counted by the people inside: "Ha entrado 1 de 40" / "Han entrado 3 de 40".
    return ngettext(
        "%(checked_in)s of %(expected)s checked in",
        "%(checked_in)s of %(expected)s checked in",
        checked_in,
    )


@register.simple_tag
def door_counter(counts: dict) -> str:
    """The door's live counter, "3 of 40 checked in", with both plural forms for
    static/door/checkin.js, which redraws it after each scan (offline too) and picks
    the form with Intl.PluralRules. The numbers keep their ids for the script."""
    checked_in, expected = counts["checked_in"], counts["expected"]
    sentence = escape(_sentence(checked_in)) % {
        "checked_in": format_html(
            '<strong id="count-checked-in">{}</strong>', checked_in
        ),
        "expected": format_html('<span id="count-expected">{}</span>', expected),
    }
    return format_html(
        '<p class="door-count" id="door-count" aria-live="polite" '
        'data-checked-in="{}" data-expected="{}" data-one="{}" data-other="{}">{}</p>',
        checked_in,
        expected,
        _sentence(1),
        _sentence(2),
        mark_safe(sentence),  # noqa: S308 - escaped above, the numbers are ints
    )
