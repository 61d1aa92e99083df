"""The client's IP address, trusting X-Forwarded-For only as far as configured."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the address of the client as the last trusted proxy saw it.

    With TRUSTED_PROXY_COUNT = N, the N right-most X-Forwarded-For entries were
    appended by our own proxies, so the entry just left of them is the client.
    Anything further left was written by the client and is ignored. With N = 0 the
    header is ignored entirely.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-count] if len(hops) >= count else hops[0]


def axes_client_ip(request: HttpRequest) -> str:
    return client_ip(request)
