import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# The characters str.strip() removes, which DRF's string fields trim before they
# check a value: request patterns allow them around what they describe.
STRIPPED_WHITESPACE = (
    r"[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f"
    r"\u205f\u3000]"
)


def character_class(chars) -> str:
    """A regular-expression class matching exactly `chars`, as ranges, written
    with escapes that Python and ECMAScript (OpenAPI's patterns) read alike."""
    codes = sorted(ord(ch) for ch in chars)
    runs, start = [], None
    for i, code in enumerate(codes):
        if start is None:
            start = code
        if i + 1 == len(codes) or codes[i + 1] != code + 1:
            runs.append((start, code))
            start = None

    def one(code: int) -> str:
        ch = chr(code)
        if ch.isascii() and (ch.isalnum() or ch == " "):
            return ch
        return f"\\u{code:04x}"

    return (
        "[" + "".join(one(a) if a == b else f"{one(a)}-{one(b)}" for a, b in runs) + "]"
    )


def trimmed_pattern(core: str) -> str:
    """A request pattern for `core` with the whitespace DRF trims around it."""
    return rf"^{STRIPPED_WHITESPACE}*(?:{core}){STRIPPED_WHITESPACE}*$"


class StrictBooleanField(serializers.BooleanField):
    """JSON `true`/`false` only. DRF's own field also takes 1, "yes", "on" and the
    like (form habits); the API speaks JSON and its schema says boolean."""

    def to_internal_value(self, data):
        if type(data) is bool:
            return data
        self.fail("invalid", input=data)


class StrictStringMixin:
    """JSON strings only: DRF's string fields also take numbers (`0` becomes "0"),
    which the schema's `type: string` does not allow."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StrictStringMixin, serializers.CharField):
    default_error_messages = {"invalid": _("Not a valid string.")}


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    pass


class StrictSlugField(StrictStringMixin, serializers.SlugField):
    pass


class StrictURLField(StrictStringMixin, serializers.URLField):
    pass


class DateTimeField(serializers.DateTimeField):
    """Always RFC 3339. Before 1901 the site's zone has a local-mean-time offset with
    seconds (Madrid: -00:14:44), which RFC 3339 cannot write: those answer in UTC."""

    def to_representation(self, value):
        if value and not isinstance(value, str):
            offset = self.enforce_timezone(value).utcoffset()
            if offset is not None and offset.seconds % 60:
                value = value.astimezone(datetime.UTC)
                return value.replace(tzinfo=None).isoformat() + "Z"
        return super().to_representation(value)


# For ModelSerializer.serializer_field_mapping: JSON types are checked strictly and
# timestamps are always RFC 3339.
STRICT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.BooleanField: StrictBooleanField,
    models.CharField: StrictCharField,
    models.TextField: StrictCharField,
    models.EmailField: StrictEmailField,
    models.SlugField: StrictSlugField,
    models.URLField: StrictURLField,
    models.DateTimeField: DateTimeField,
}
