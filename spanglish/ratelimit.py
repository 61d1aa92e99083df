"""One rate limiter for the whole site (per client IP, or per any key such as an
email address), kept in the project cache.

A fixed window that opens with the first request and lasts `window` seconds.
`cache.add` and `cache.incr` are atomic on Redis and locmem, so concurrent requests
cannot slip past the limit the way DRF throttles' read-then-write can. The IP is
hashed with the secret key: the cache never holds it in clear.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from spanglish.net import client_ip


def rate_limit_exceeded(*, request, scope: str, limit: int, window: int) -> bool:
    """Count one request from this client IP in `scope`; True once over `limit`."""
    request = getattr(request, "_request", request)  # a DRF request wraps Django's
    ip = client_ip(request) or "unknown"
    return rate_limit_key_exceeded(scope=scope, key=ip, limit=limit, window=window)


def rate_limit_key_exceeded(*, scope: str, key: str, limit: int, window: int) -> bool:
    """Count one request for `key` (an IP, an email address…) in `scope`; True once
    over `limit`. The key is hashed like the IP: the cache never holds it in clear."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:24]
    key = f"ratelimit:{scope}:{digest}"
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            count = 1
    return count > limit
