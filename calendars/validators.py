"""Widget appearance values end up in HTML and in a CSS block: only safe shapes pass."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

COLOR_RE = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# Characters that could open markup, a CSS block, an entity or a string.
FORBIDDEN_LABEL_CHARS = set("<>{}[];:\"'`\\&=()*@$")
# What a label may hold: Latin letters with their accents, digits, punctuation,
# currency signs, arrows and the common symbols and dingbats (✓ ★ ☕), all of them
# visible; not the forbidden characters above. A list of ranges rather than "any
# printable character" so that the API schema states the same rule as a pattern
# (calendars/api/serializers.py) and a client can check a label before sending it.
LABEL_RANGES = (
    (" ", "~"),  # printable ASCII
    ("\u00a1", "\u00ac"),  # ¡ to ¬ (not the soft hyphen, U+00AD)
    ("\u00ae", "\u017f"),  # ® to ſ: Latin-1 and Latin Extended-A letters
    ("\u2010", "\u2027"),  # dashes, quotes, bullets, ellipsis
    ("\u2030", "\u205e"),  # per mille, primes, ‹ ›
    ("\u20a0", "\u20bf"),  # currency signs (€)
    ("\u2190", "\u21ff"),  # arrows
    ("\u2600", "\u27bf"),  # symbols and dingbats
)
LABEL_CHARS = (
    frozenset(
        chr(code)
        for first, last in LABEL_RANGES
        for code in range(ord(first), ord(last) + 1)
    )
    - FORBIDDEN_LABEL_CHARS
)
MAX_LABEL_LENGTH = 40


def validate_color(value: str) -> None:
    """#rgb or #rrggbb, nothing else: no names, no functions, no `;`."""
    if value and not COLOR_RE.fullmatch(value):
        raise ValidationError(
            _("Enter a colour as #rgb or #rrggbb, for example #1d4ed8."),
            code="invalid_color",
        )


def validate_label(value: str) -> None:
    """Plain text: letters, digits, spaces, harmless punctuation and symbols
    (LABEL_CHARS)."""
    if not value:
        return
    if len(value) > MAX_LABEL_LENGTH:
        raise ValidationError(
            _("Keep labels to %(max)d characters.") % {"max": MAX_LABEL_LENGTH},
            code="label_too_long",
        )
    bad = sorted({ch for ch in value if ch not in LABEL_CHARS})
    if bad:
        raise ValidationError(
            _("Labels are plain text: these characters are not allowed: %(chars)s")
            % {"chars": " ".join(_shown(ch) for ch in bad)},
            code="invalid_label",
        )


def _shown(ch: str) -> str:
    # An invisible or unprintable character is named by its code point.
    return ch if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"
