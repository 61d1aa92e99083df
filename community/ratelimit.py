"""Per-IP limits on account emails (sign-up, password reset, sign-in links): a
one-hour window of spanglish.ratelimit, and the page or message that refuses."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from spanglish import ratelimit

WINDOW_SECONDS = 60 * 60


def rate_limit_exceeded(*, request, scope: str, limit: int | None = None) -> bool:
    """Count one request for this client IP in `scope`; True once over the limit."""
    return ratelimit.rate_limit_exceeded(
        request=request,
        scope=scope,
        limit=settings.ACCOUNT_RATE_LIMIT_PER_HOUR if limit is None else limit,
        window=WINDOW_SECONDS,
    )


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
