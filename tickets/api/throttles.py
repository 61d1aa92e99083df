"""Throttles for public write paths (rates in settings.REST_FRAMEWORK)."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonWriteThrottle(AnonRateThrottle):
    scope = "anon_write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class UserWriteThrottle(UserRateThrottle):
    scope = "user_write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if not (request.user and request.user.is_authenticated):
            return True  # AnonWriteThrottle counts anonymous writes
        return super().allow_request(request, view)
