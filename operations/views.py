"""Machine routes: GET /metrics for Prometheus, behind a bearer token or an allow-list
of networks; the /healthz (liveness) and /readyz (readiness) probes."""

import hmac
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from operations.checks import backup_check, scheduler_check, worker_check
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


@never_cache
def healthz(request):
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means not ready
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_cache() -> str:
    try:
        cache.set("readyz", "1", 5)
        if cache.get("readyz") != "1":
            return "error: cache did not keep a value"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


READINESS_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    # Reported, never failing: "ok: …" or "warning: …" (see operations/checks.py).
    "worker": worker_check,
    "backup": backup_check,
    "scheduler": scheduler_check,
}


@never_cache
def readyz(request):
    """Readiness: every dependency the site needs answers. 503 otherwise."""
    checks = {name: check() for name, check in READINESS_CHECKS.items()}
    ok = all(value.startswith(("ok", "warning")) for value in checks.values())
    body = {"status": "ok" if ok else "unavailable", "checks": checks}
    if settings.DEBUG:
        body["debug"] = True
    return JsonResponse(body, status=200 if ok else 503)
