"""Deprecated API fields: marked in the schema and signalled on every response
(docs/api-compatibility.md).

    checkin_at = deprecated(serializers.DateTimeField(...), replacement="checked_in_at")

A view whose answers carry such a field adds `DeprecationHeadersMixin`: every
response then says `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and links with
`rel="deprecation"` to the API's documentation, where the schema marks the field
`deprecated` and says what replaces it.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.utils.http import http_date

# Deprecated in the release after 0.2.0 (0.3.0); removed no earlier than 0.4.0 and
# not before the sunset date (a release and at least 30 days of overlap).
DEPRECATED_IN = "0.3.0"
REMOVED_IN = "0.4.0"
DEPRECATED_AT = datetime(2026, 12, 1, tzinfo=UTC)
SUNSET_AT = datetime(2027, 2, 1, tzinfo=UTC)
DOCS_PATH = "/api/docs"


def deprecated(field, *, replacement: str):
    """Mark a serializer field as an alias kept for one release.

    Serializers deep-copy their declared fields by re-creating them from their
    arguments, so the mark goes into those too (`style`, read by
    spanglish.api.schema, and `help_text`)."""
    help_text = (
        f"Deprecated since {DEPRECATED_IN}: use `{replacement}`. "
        f"Removed in {REMOVED_IN}, not before {SUNSET_AT:%Y-%m-%d}."
    )
    style = {**field.style, "deprecated_for": replacement}
    field._kwargs.update(help_text=help_text, style=style)
    field.help_text, field.style = help_text, style
    return field


def deprecation_headers() -> dict[str, str]:
    link = settings.SITE_URL + DOCS_PATH
    return {
        "Deprecation": f"@{int(DEPRECATED_AT.timestamp())}",
        "Sunset": http_date(SUNSET_AT.timestamp()),
        "Link": f'<{link}>; rel="deprecation"',
    }


class DeprecationHeadersMixin:
    """For views whose answers still carry a deprecated field."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in deprecation_headers().items():
            response[name] = value
        return response
