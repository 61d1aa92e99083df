"""DRF's throttles, except that a cache that is down lets the request through.

Throttles keep their history in the cache (Redis in production). When Redis is
down, DRF's own classes raise and every throttled request (bookings, sign-ins,
uploads) would answer 500. The limits are a brake on abuse, not a rule of the
business: sign-in lockouts (django-axes) and seats live in the database, so for
the minutes Redis is away the API keeps working unthrottled, as the anonymous
booking limits (spanglish/ratelimit.py) already do.
"""

import logging

from rest_framework import throttling

from spanglish.net import client_ip
from spanglish.ratelimit import client_rate_key

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


class ScopedRateThrottle(CacheDownAllowsMixin, throttling.ScopedRateThrottle):
    pass


class UserRateThrottle(CacheDownAllowsMixin, throttling.UserRateThrottle):
    pass
