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
    True once over `limit`."""
    request = getattr(request, "_request", request)  # a DRF request wraps Django's
    key = client_rate_key(client_ip(request) or "unknown")
    return rate_limit_key_exceeded(scope=scope, key=key, limit=limit, window=window)


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
