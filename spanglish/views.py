"""Project-wide views: health probes and error pages that speak JSON under /api/."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from operations.checks import backup_check, scheduler_check, worker_check
from spanglish.api.exceptions import json_error_response
from spanglish.unavailable import unavailable_response_for_current_exception


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _is_api(request):
        return json_error_response(404, "not_found", _("Not found."))
    return render(request, "404.html", status=404)


def server_error(request):
    # A lost database raised inside a middleware (session, user) lands here.
    if unavailable := unavailable_response_for_current_exception(request):
        return unavailable
    if _is_api(request):
        return json_error_response(
            500,
            "server_error",
            _("Something went wrong on our side. Please try again."),
        )
    return render(request, "500.html", status=500)


def permission_denied(request, exception=None):
    if _is_api(request):
        return json_error_response(403, "permission_denied", _("You may not do this."))
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    if _is_api(request):
        return json_error_response(400, "bad_request", _("Bad request."))
    return render(request, "400.html", status=400)


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
