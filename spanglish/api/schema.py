"""OpenAPI additions: the shared error shape and the error statuses every operation
can answer with, so clients (and schema checkers) know them; and request schemas
that state what the serializers really accept (schemathesis checks both ways)."""

import copy

from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from drf_spectacular import generators, openapi
from drf_spectacular.plumbing import force_instance, is_list_serializer, is_serializer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from spanglish.api.serializers import StrictInputMixin


class SchemaGenerator(generators.SchemaGenerator):
    """The schema's prose (descriptions, enum labels, field titles) in English, the
    source language, whatever language the request or the command runs in; error
    messages, not the schema, follow the request's language."""

    def get_schema(self, request=None, public=False):
        with translation.override("en"):
            return super().get_schema(request=request, public=public)


IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=r"^[\x21-\x7e]{1,255}$",
    description=(
        "A unique value per operation (a UUID), to retry safely. The first answer "
        "(status and body) to a key is kept for IDEMPOTENCY_KEY_HOURS (24) and "
        "replayed to a retry with the same key and body, with `Idempotent-Replayed: "
        "true`; the same key with another body, or while the first request still "
        "runs, is a 409. Keys are per caller (user, or browser session/IP when not "
        "signed in). Only successful answers are kept: after an error, retry with the "
        "same key."
    ),
)

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string", "example": "Some fields are not valid."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "string"},
                    },
                },
            },
        }
    },
}

_DESCRIPTIONS = {
    "400": "Invalid input: `fields` says what to fix.",
    "401": "Not signed in (send `Authorization: Bearer <access>`).",
    "403": "Signed in without the role this needs.",
    "404": "Not found, or not yours to see.",
    "405": "Method not allowed.",
    "409": "Valid, but it clashes with the current state (for example sold out).",
    "413": "The upload is too large.",
    "414": "The address is too long (answered by the web server, as HTML).",
    "415": "Unsupported media type.",
    "429": "Too many requests or sign-in attempts: wait and try again.",
}
_HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}
_ALWAYS = ("400", "401", "403", "404", "405", "415", "429")
_WRITES = ("409", "413")


REQUEST_RULES_KEY = "x-spanglish-request-rules"


def add_request_rules(result, generator, request, public):
    """Postprocessing hook (after the enum hook): see AutoSchema._map_basic_serializer."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        rules = schema.pop(REQUEST_RULES_KEY, None)
        if rules:
            schema.update(rules)
    return result


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = _ALWAYS + (_WRITES if method != "get" else ())
            for code in codes:
                responses.setdefault(code, {"description": _DESCRIPTIONS[code]})
            # The web server refuses an over-long request line before Django runs.
            responses.setdefault("414", {"description": _DESCRIPTIONS["414"], **_HTML})
            # Every error answers in the one shape, also those an operation
            # documents itself with only a description (webhooks' 403 and 503).
            for code, response in responses.items():
                if code.isdigit() and int(code) >= 400 and not response.get("content"):
                    response["content"] = {"application/json": {"schema": ref}}
    return result


# DRF refuses NUL characters in every CharField and trims surrounding whitespace
# before its blank check, so "   " is blank. Said as patterns for request bodies:
NO_NUL = r"^[^\u0000]*$"
NOT_BLANK = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"


def _decimal_pattern(field: serializers.DecimalField) -> str:
    """One or more digits, optionally a point and one or more decimals (drf-spectacular's
    own pattern also matches "" and "."); no sign when negatives are refused."""
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    whole = (
        r"0" if not field.max_whole_digits else rf"[0-9]{{1,{field.max_whole_digits}}}"
    )
    if not field.decimal_places:
        return rf"^{sign}{whole}$"
    return rf"^{sign}{whole}(?:\.[0-9]{{1,{field.decimal_places}}})?$"


def _model_field_allows_blank(field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:
        return False


class AutoSchema(openapi.AutoSchema):
    """Marks operations that anonymous clients may call as such (`security: [{}]`).

    drf-spectacular only recognises DRF's own AllowAny / IsAuthenticatedOrReadOnly;
    our permission classes say it with `allows_anonymous(method)`.

    Request bodies also state DRF's string rules (no NUL, not only whitespace when a
    value is required) and a decimal pattern that needs a digit.
    """

    _direction = "response"

    def _map_basic_serializer(self, serializer, direction):
        outer, self._direction = self._direction, direction
        try:
            result = super()._map_basic_serializer(serializer, direction)
        finally:
            self._direction = outer
        if direction == "request" and isinstance(serializer, StrictInputMixin):
            # Unknown fields are refused (400); what responses show may be sent
            # back and is ignored (spanglish.api.serializers.StrictInputMixin).
            properties = result.setdefault("properties", {})
            for name in sorted(serializer.echoed_fields() - set(properties)):
                properties[name] = {
                    "readOnly": True,
                    "description": "Shown in responses; accepted and ignored here.",
                }
            result["additionalProperties"] = False
        extra = getattr(serializer, "openapi_request_extra", None)
        if direction == "request" and extra:
            # Rules between fields that JSON Schema can state (oneOf branches),
            # put in place by add_request_rules: drf-spectacular's enum hook would
            # turn their one-value enums into the whole choice set.
            result[REQUEST_RULES_KEY] = copy.deepcopy(extra)
        return result

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if (
            isinstance(field, serializers.CharField | serializers.ChoiceField)
            and field.read_only
            and not field.allow_blank
            and _model_field_allows_blank(field)
        ):
            # DRF drops `allow_blank` from read-only model fields, but a blank=True
            # column does answer "" (a media file with no role, an event without a
            # map link): say so, as for writable fields.
            field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        replacement = getattr(field, "style", {}).get("deprecated_for")
        if replacement and isinstance(schema, dict) and "$ref" not in schema:
            schema = {**schema, "deprecated": True}
        if (
            direction == "response"
            and isinstance(field, serializers.TimeField)
            and isinstance(schema, dict)
            and schema.get("format") == "time"
        ):
            # DRF writes local wall-clock times without an offset ("19:30:00"),
            # which OpenAPI's `time` (RFC 3339 full-time) does not allow.
            del schema["format"]
            schema["pattern"] = r"^[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?$"
        if (
            direction == "request"
            and isinstance(field, serializers.DecimalField)
            and isinstance(schema, dict)
            and schema.get("format") == "decimal"
        ):
            schema["pattern"] = _decimal_pattern(field)
        return schema

    def _insert_field_validators(self, field, schema):
        pattern = getattr(field, "style", {}).get("openapi_pattern")
        if pattern and self._direction == "request":
            # A rule the model's validators check, said as one pattern (the field's
            # style carries it: spanglish.api.fields.trimmed_pattern). It allows
            # "" and bounds the length itself: DRF counts the length after
            # trimming whitespace, which `maxLength` (counting what is sent) would
            # contradict. So no maxLength, and no oneOf with a blank branch.
            super()._insert_field_validators(field, schema)
            inner = schema.pop("oneOf", [schema])[0]
            schema.update(inner)
            schema["pattern"] = pattern
            schema.pop("maxLength", None)
            return
        super()._insert_field_validators(field, schema)
        plain_string = schema.get("type") == "string" and not (
            {"format", "pattern", "enum", "oneOf"} & schema.keys()
        )
        if (
            self._direction == "request"
            and plain_string
            and isinstance(field, serializers.CharField)
        ):
            schema["pattern"] = NO_NUL if field.allow_blank else NOT_BLANK

    def _get_request_for_media_type(self, serializer, direction="request"):
        # Views whose PUT changes only the fields sent (`partial_put = True`)
        # document it like PATCH: nothing required, an empty body is a no-op.
        if (
            self.method == "PUT"
            and getattr(self.view, "partial_put", False)
            and is_serializer(serializer)
            and not is_list_serializer(serializer)
        ):
            serializer = copy.copy(force_instance(serializer))
            serializer.partial = True
        return super()._get_request_for_media_type(serializer, direction)

    def get_auth(self):
        auths = super().get_auth()
        if {} in auths:
            return auths
        for permission in self.view.get_permissions():
            allows = getattr(permission, "allows_anonymous", None)
            if allows is not None and allows(self.method):
                auths.append({})
                break
        return auths
