"""Widget appearance values end up in HTML and in a CSS block: only safe shapes pass."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

COLOR_RE = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# Characters that could open markup, a CSS block, an entity or a string, plus controls.
FORBIDDEN_LABEL_CHARS = set("<>{}[];:\"'`\\&=()*@$")
MAX_LABEL_LENGTH = 40


def validate_color(value: str) -> None:
    """#rgb or #rrggbb, nothing else: no names, no functions, no `;`."""
    if value and not COLOR_RE.fullmatch(value):
        raise ValidationError(
            _("Enter a colour as #rgb or #rrggbb, for example #1d4ed8."),
            code="invalid_color",
        )


def validate_label(value: str) -> None:
    """Plain text of letters, digits, spaces and harmless punctuation."""
    if not value:
        return
    if len(value) > MAX_LABEL_LENGTH:
        raise ValidationError(
            _("Keep labels to %(max)d characters.") % {"max": MAX_LABEL_LENGTH},
            code="label_too_long",
        )
    bad = sorted({ch for ch in value if ch in FORBIDDEN_LABEL_CHARS})
    if bad or any(not ch.isprintable() for ch in value):
        raise ValidationError(
            _("Labels are plain text: these characters are not allowed: %(chars)s")
            % {"chars": " ".join(bad) or _("control characters")},
            code="invalid_label",
        )
