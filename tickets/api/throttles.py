"""Throttles for public write paths (rates in settings.REST_FRAMEWORK). Anonymous
bookings are limited by tickets.ratelimit instead, the same limiter as the site's."""

from spanglish.api.throttling import UserRateThrottle


class UserWriteThrottle(UserRateThrottle):
    scope = "user_write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if not (request.user and request.user.is_authenticated):
            return True  # tickets.ratelimit counts anonymous bookings
        return super().allow_request(request, view)
