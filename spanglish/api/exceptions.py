"""One error shape for every API error.

    {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}

`code` is machine-readable, `message` is for a person (in the request's language),
`fields` maps input field names to their messages for validation errors.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from spanglish.errors import ConflictError

NON_FIELD_KEY = "non_field_errors"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("This clashes with the current state.")


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for v in detail.values() for m in _flatten(v)]
    if isinstance(detail, list):
        return [m for v in detail for m in _flatten(v)]
    return [str(detail)]


def _fields(detail) -> dict:
    if not isinstance(detail, dict):
        return {}
    return {
        key: [str(m) for m in _flatten(value)]
        for key, value in detail.items()
        if key != NON_FIELD_KEY
    }


def _django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            (NON_FIELD_KEY if k == "__all__" else k): v
            for k, v in exc.message_dict.items()
        }
    else:
        detail = {NON_FIELD_KEY: exc.messages}
    return exceptions.ValidationError(detail)


def _is_default(exc: exceptions.APIException) -> bool:
    return str(exc.detail) == str(type(exc).default_detail)


def _own_message(exc, request) -> str | None:
    """Our words for DRF's generic refusals, in the request's language.

    DRF's own Spanish says "usted" and leaves some of these in English (throttling),
    so the ones every client meets come from our catalogue. A refusal that carries
    its own message (a permission's, a second factor's) keeps it."""
    if not isinstance(exc, exceptions.APIException):
        return None
    code = exc.get_codes()
    if isinstance(exc, exceptions.Throttled) and code == "throttled":
        if exc.wait is None:
            return _("Too many requests. Please wait a moment and try again.")
        return ngettext(
            "Too many requests. Try again in %(seconds)d second.",
            "Too many requests. Try again in %(seconds)d seconds.",
            exc.wait,
        ) % {"seconds": exc.wait}
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("Sign in first: send the header Authorization: Bearer <access token>.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        method = getattr(request, "method", "")
        return _("%(method)s is not allowed here.") % {"method": method}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("Send the body as JSON (Content-Type: application/json).")
    if isinstance(exc, exceptions.NotAcceptable):
        return _(
            "This answer cannot be given in the format the Accept header asks for."
        )
    if isinstance(exc, exceptions.ParseError) and code == "parse_error":
        return _("The body could not be read: send valid JSON.")
    if isinstance(exc, exceptions.PermissionDenied) and _is_default(exc):
        return _("You do not have permission to do this.")
    if isinstance(exc, exceptions.NotFound) and _is_default(exc):
        return _("Not found.")
    return None


def exception_handler(exc, context):
    # Business rules in services raise Django's ValidationError; it maps to 400 here once.
    if isinstance(exc, ConflictError):
        exc = Conflict(exc.message, code=exc.code)
    elif isinstance(exc, DjangoValidationError):
        exc = _django_validation_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handler answers (JSON under /api/)

    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(exc, exceptions.ValidationError):
        messages = _flatten(detail)
        fields = _fields(detail)
        message = (
            messages[0]
            if len(messages) == 1
            else _("Some fields are not valid. See 'fields' for details.")
        )
        if isinstance(detail, dict) and NON_FIELD_KEY in detail:
            message = _flatten(detail[NON_FIELD_KEY])[0]
        code = "invalid"
    else:
        message = _own_message(exc, context.get("request")) or (
            _flatten(detail)[0] if detail else ""
        )
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            # A detail with parts (simplejwt's exceptions always carry a dict, the
            # message and its code): the exception's own code, e.g. token_not_valid,
            # so a client knows to refresh.
            code = getattr(exc, "default_code", "error")
        fields = {}
    response.data = error_body(code, message, fields)
    return response


def json_error_response(status_code: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code)
