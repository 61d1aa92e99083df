"""Limits on anonymous bookings, shared by the booking form and POST /api/tickets.

Without them one client could take every seat of an event and create an account and
an email per seat. Signed-in members are never counted: they book in one click, and
one ticket per member per event already bounds them. Two counters of
spanglish.ratelimit: per client IP (generous, since guests at a venue share one
Wi-Fi address) and per email address per event per day (whatever the IP, so a
stranger cannot flood one person's inbox or account from many addresses).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from spanglish.ratelimit import rate_limit_exceeded, rate_limit_key_exceeded

EMAIL_WINDOW_SECONDS = 60 * 60 * 24


def booking_rate_limited(*, request, event, email: str) -> bool:
    """Count one anonymous booking of `event` for `email`; True once over a limit.

    The IP is counted first; a refused request does not also use up the address's
    allowance. The same counts apply whether or not the address already holds a
    ticket, so a refusal tells nothing about it.
    """
    if rate_limit_exceeded(
        request=request,
        scope="booking_ip",
        limit=settings.BOOKING_RATE_LIMIT_PER_IP,
        window=settings.BOOKING_RATE_LIMIT_WINDOW_SECONDS,
    ):
        return True
    return rate_limit_key_exceeded(
        scope=f"booking_email:{event.pk}",
        key=email.strip().lower(),
        limit=settings.BOOKING_RATE_LIMIT_PER_EMAIL,
        window=EMAIL_WINDOW_SECONDS,
    )


def booking_rate_limit_message() -> str:
    return _(
        "Too many bookings from your connection or for this email address. Please "
        "wait a few minutes and try again, or sign in to book."
    )
