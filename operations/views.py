"""GET /metrics for Prometheus, behind a bearer token or an allow-list of networks."""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from operations.metrics import scrape
from spanglish.net import client_ip


def _ip_allowed(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for entry in settings.METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    return _ip_allowed(client_ip(request))


@never_cache
@require_GET
def metrics(request):
    """Prometheus text format. Token: `Authorization: Bearer $METRICS_TOKEN`."""
    if not _allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
