"""Access log + request metrics, and read-your-writes pinning for the replica router."""

import logging
import time

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

from operations.metrics import observe_request
from spanglish import routers
from spanglish.logging import redact_path
from spanglish.net import client_ip

logger = logging.getLogger("spanglish.access")
_QUIET = ("/healthz", "/readyz", "/metrics")


def _user_id(request) -> str | None:
    # Only a user something already loaded: reading it here must not add a query.
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return str(user.pk) if user.is_authenticated else None


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    # The URL pattern, not the path: a bounded set of metric labels.
    return (match.route or match.view_name or "?") if match else "unmatched"


class AccessLogMiddleware:
    """One structured line per request: request id, user id, path, status, duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        # Sign-in, reset, verification and signed ticket links carry their token in
        # the path: the line records the route's name and the path without it.
        match = getattr(request, "resolver_match", None)
        path = redact_path(request.path, match)
        observe_request(
            method=request.method,
            route=_route(request),
            status=response.status_code,
            seconds=seconds,
        )
        logger.log(
            logging.DEBUG if request.path in _QUIET else logging.INFO,
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "method": request.method,
                "route": match.view_name if match else None,
                "path": path,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "user_id": _user_id(request),
                # For fail2ban (deploy/host/fail2ban): who keeps failing or scanning.
                "client_ip": client_ip(request),
            },
        )
        return response


class ReplicaPinMiddleware:
    """Send a request's reads to the primary once it has written, and for
    REPLICA_PIN_SECONDS afterwards (a cookie), so the redirect after a POST sees its
    own write even while the replica lags."""

    cookie = "spanglish_primary"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "spanglish.routers.PrimaryReplicaRouter" not in settings.DATABASE_ROUTERS:
            return self.get_response(request)
        token = routers.begin(pinned=request.COOKIES.get(self.cookie) == "1")
        try:
            response = self.get_response(request)
            if routers.has_written():
                response.set_cookie(
                    self.cookie,
                    "1",
                    max_age=settings.REPLICA_PIN_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
        finally:
            routers.end(token)
        return response
