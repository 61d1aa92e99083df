"""Per-IP counters for account emails (sign-up, password reset, sign-in links).

A fixed one-hour window in the project cache. `cache.incr` is atomic on Redis and
locmem, so concurrent requests cannot slip past the limit the way DRF throttles'
read-then-write can.
"""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

from spanglish.net import client_ip

WINDOW_SECONDS = 60 * 60


def rate_limit_exceeded(*, request, scope: str, limit: int | None = None) -> bool:
    """Count one request for this client IP in `scope`; True once over the limit."""
    limit = settings.ACCOUNT_RATE_LIMIT_PER_HOUR if limit is None else limit
    request = getattr(request, "_request", request)
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count > limit


def rate_limit_message() -> str:
    return _(
        "Too many requests from your connection. Please wait an hour and try again."
    )


def rate_limited_response(request):
    return render(
        request,
        "community/rate_limited.html",
        {"message": rate_limit_message()},
        status=429,
    )
