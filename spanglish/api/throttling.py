"""The API's rate limits: a ceiling for every request, scoped limits on top, and
the headers that state them.

- `APIRateThrottle` is the ceiling of the whole API (THROTTLE_API, 600 a minute by
  default): per user when signed in, per client IP only when anonymous, so the
  door phones behind one venue's Wi-Fi each count on their own account. A fixed
  window counted with atomic cache operations (an increment, not DRF's list of
  timestamps read and written back), since every API request pays for it.
- `ScopedRateThrottle` / `UserRateThrottle` are DRF's sliding windows (sign-in,
  uploads, member writes), and `spanglish.ratelimit` counts account emails and
  anonymous bookings.

Every limit that counts a request notes it on the request
(`spanglish.ratelimit.note_rate_limit`); `RateLimitHeadersMiddleware` answers with
the IETF draft's `RateLimit-Policy` and `RateLimit` fields and the common
`X-RateLimit-Limit`/`-Remaining`/`-Reset` trio for the tightest of them.

Throttles keep their history in the cache (Redis in production). When Redis is
down, DRF's own classes raise and every throttled request would answer 500. The
limits are a brake on abuse, not a rule of the business: sign-in lockouts
(django-axes) and seats live in the database, so for the minutes Redis is away the
API keeps working unthrottled, as the anonymous booking limits already do.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from rest_framework import throttling
from rest_framework.settings import api_settings

from spanglish.net import client_ip
from spanglish.ratelimit import client_rate_key, note_rate_limit

logger = logging.getLogger(__name__)


class CacheDownAllowsMixin:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # the cache's client raises its own errors
            logger.warning(
                "throttle %s: cache unavailable (%s), request allowed",
                getattr(self, "scope", type(self).__name__),
                exc.__class__.__name__,
            )
            return True

    def get_ident(self, request):
        # The same client as every other limit: the IP that TRUSTED_PROXY_COUNT
        # allows, an IPv6 client counted by its /64 (one host holds a whole /64).
        return client_rate_key(client_ip(request))


class NotesSlidingWindowMixin:
    """DRF's sliding-window throttles, noting their state for the headers."""

    def allow_request(self, request, view):
        self.history = None
        allowed = super().allow_request(request, view)
        if self.history is not None and self.rate is not None:
            now = self.now
            reset = (
                math.ceil(self.history[-1] + self.duration - now)
                if self.history
                else self.duration
            )
            note_rate_limit(
                request,
                name=self.scope,
                limit=self.num_requests,
                window=self.duration,
                count=len(self.history) + (0 if allowed else 1),
                reset=reset,
            )
        return allowed


class ScopedRateThrottle(
    CacheDownAllowsMixin, NotesSlidingWindowMixin, throttling.ScopedRateThrottle
):
    pass


class UserRateThrottle(
    CacheDownAllowsMixin, NotesSlidingWindowMixin, throttling.UserRateThrottle
):
    pass


class FixedWindowThrottle(throttling.SimpleRateThrottle):
    """A fixed window counted in the cache: one counter per client and window."""

    def get_rate(self):
        # Read at each request (DRF binds the rates at import): tests and the
        # benchmarks change THROTTLE_API; an empty value turns the ceiling off.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or None

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = (
            f"user:{user.pk}"
            if user is not None and user.is_authenticated
            else f"ip:{self.get_ident(request)}"
        )
        # Hashed like spanglish.ratelimit's keys: the cache never holds an IP.
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{ident}".encode())
        return f"throttle:{self.scope}:{digest.hexdigest()[:24]}"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        key = f"{self.get_cache_key(request, view)}:{window}"
        self._wait = math.ceil((window + 1) * self.duration - now)
        try:
            count = self.cache.incr(key)  # atomic, unlike DRF's read-then-write
        except ValueError:  # the window's first request
            if self.cache.add(key, 1, timeout=self.duration + 1):
                count = 1
            else:  # another request opened it in between
                count = self.cache.incr(key)
        note_rate_limit(
            request,
            name=self.scope,
            limit=self.num_requests,
            window=self.duration,
            count=count,
            reset=self._wait,
        )
        return count <= self.num_requests

    def wait(self):
        return self._wait


class APIRateThrottle(CacheDownAllowsMixin, FixedWindowThrottle):
    """The ceiling of the whole API (scope "api", THROTTLE_API)."""

    scope = "api"


class RateLimitHeadersMiddleware:
    """States the limits that counted a request (see the module docstring).

    `RateLimit-Policy: "api";q=600;w=60` names each limit with its quota and window
    in seconds; `RateLimit: "api";r=599;t=42` gives what is left and the seconds
    until the window resets (draft-ietf-httpapi-ratelimit-headers). The
    `X-RateLimit-*` trio describes the tightest one, `-Reset` in Unix seconds as
    GitHub's API does. A 429 without `Retry-After` gets one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        states = getattr(request, "rate_limits", None)
        if not states:
            return response
        latest = {state.name: state for state in states}  # a scope counted twice
        response["RateLimit-Policy"] = ", ".join(
            f'"{s.name}";q={s.limit};w={s.window}' for s in latest.values()
        )
        response["RateLimit"] = ", ".join(
            f'"{s.name}";r={s.remaining};t={s.reset}' for s in latest.values()
        )
        tightest = min(latest.values(), key=lambda s: (s.remaining, -s.reset))
        response["X-RateLimit-Limit"] = str(tightest.limit)
        response["X-RateLimit-Remaining"] = str(tightest.remaining)
        response["X-RateLimit-Reset"] = str(int(time.time()) + tightest.reset)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(max(tightest.reset, 1))
        return response
