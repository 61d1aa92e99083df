"""503 instead of 500 (or a hung worker) while the database (or Redis) is away.

With the database down the pool gives up within DATABASE_POOL_TIMEOUT and raises
django.db.OperationalError (psycopg_pool's PoolTimeout is one). People get a
bilingual "back in a minute" page, API clients the usual error JSON with code
"unavailable"; both carry Retry-After. Neither touches the database: the page is
rendered without a request, so no context processor (user, messages, session) runs.

Two ways in: errors raised by a view reach `process_exception` here (one warning
instead of an error report per request during an outage); errors raised inside
another middleware (the session or the user loaded there) reach handler500, which
asks `unavailable_response_for_current_exception`.
"""

import logging
import sys

import redis.exceptions
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from spanglish.api.exceptions import error_body

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# OperationalError: cannot connect, connection lost, pool timeout, statement timeout.
# InterfaceError: Django's "connection already closed" after a lost connection.
# Redis: most uses of the cache already carry on without it (public cache, rate
# limits, throttles); anything that still needs it gets a 503, not a 500.
UNAVAILABLE_ERRORS = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def is_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, UNAVAILABLE_ERRORS)


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            error_body(
                "unavailable",
                _("The service is briefly unavailable. Please try again in a minute."),
            ),
            status=503,
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)  # no proxy keeps serving the outage page
    return response


def unavailable_response_for_current_exception(request) -> HttpResponse | None:
    """For handler500: the 503 when the exception being handled is the database's."""
    exc = sys.exc_info()[1]
    return unavailable_response(request) if is_unavailable(exc) else None


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_unavailable(exception):
            return None
        logger.warning(
            "backing service unavailable: %s: %s",
            exception.__class__.__name__,
            exception,
        )
        return unavailable_response(request)
