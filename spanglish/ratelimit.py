"""One rate limiter for the whole site (per client IP, or per any key such as an
email address), kept in the project cache.

A fixed window that opens with the first request and lasts `window` seconds.
`cache.add` and `cache.incr` are atomic on Redis and locmem, so concurrent requests
cannot slip past the limit the way DRF throttles' read-then-write can. The IP is
hashed with the secret key: the cache never holds it in clear.

An IPv6 client is counted by its /64 network, not its address: one household or
phone gets a whole /64 and can rotate through its addresses at will, so a limit per
address would be no limit at all. IPv4 clients are counted by their address.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from spanglish.net import client_ip

IPV6_CLIENT_PREFIX = 64


def client_rate_key(ip: str) -> str:
    """What one client is counted as: an IPv4 address, or an IPv6 address's /64
    (an IPv4-mapped IPv6 address counts as the IPv4 address it carries)."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])  # no zone id
    except ValueError:
        return ip or "unknown"
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.version == 4:
        return str(address)
    network = ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False)
    return str(network)


def rate_limit_exceeded(*, request, scope: str, limit: int, window: int) -> bool:
    """Count one request from this client (IPv4 address or IPv6 /64) in `scope`;
    True once over `limit`. The count is noted on the request for the API's
    RateLimit headers (see note_rate_limit)."""
    request = getattr(request, "_request", request)  # a DRF request wraps Django's
    key = client_rate_key(client_ip(request) or "unknown")
    count, reset = _hit(scope=scope, key=key, window=window)
    note_rate_limit(
        request, name=scope, limit=limit, window=window, count=count, reset=reset
    )
    return count > limit


def rate_limit_key_exceeded(*, scope: str, key: str, limit: int, window: int) -> bool:
    """Count one request for `key` (an IP, an email address…) in `scope`; True once
    over `limit`. The key is hashed like the IP: the cache never holds it in clear."""
    count, _reset = _hit(scope=scope, key=key, window=window)
    return count > limit


def _hit(*, scope: str, key: str, window: int) -> tuple[int, int]:
    """Count one request; (requests in this window so far, seconds until it ends)."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:24]
    key = f"ratelimit:{scope}:{digest}"
    now = time.time()
    if cache.add(key, 1, timeout=window):
        # When the window opened, for the reset time the API states.
        cache.set(f"{key}:opened", now, timeout=window)
        return 1, window
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        cache.set(f"{key}:opened", now, timeout=window)
        return 1, window
    opened = cache.get(f"{key}:opened")
    if not isinstance(opened, int | float):
        return count, window
    return count, max(math.ceil(opened + window - now), 0)


@dataclass(frozen=True)
class RateLimitState:
    """One limit that counted a request: the API states them in its RateLimit
    headers (spanglish.api.throttling.RateLimitHeadersMiddleware)."""

    name: str
    limit: int
    window: int  # seconds
    remaining: int
    reset: int  # seconds until the window ends


def note_rate_limit(
    request, *, name: str, limit: int, window: int, count: int, reset: int
) -> None:
    """Remember on the (Django) request that a limit counted it."""
    request = getattr(request, "_request", request)
    states = getattr(request, "rate_limits", None)
    if states is None:
        states = request.rate_limits = []
    states.append(
        RateLimitState(
            name=name,
            limit=limit,
            window=window,
            remaining=max(limit - count, 0),
            reset=max(int(reset), 0),
        )
    )
