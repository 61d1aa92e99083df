"""The click-tracking hot path: a cached event lookup, a cache-based rate limit per
client, and one INSERT. Nothing that identifies a person is stored."""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from calendars.links import google_link, outlook_link
from calendars.selectors import calendar_events
from events.ics import event_url
from spanglish.net import client_ip
from spanglish.ratelimit import rate_limit_exceeded

TARGET_CACHE_SECONDS = 60


def rate_limit() -> tuple[int, int]:
    """(requests, seconds) from CALENDAR_TRACK_RATE such as "60/minute"."""
    count, _, period = settings.CALENDAR_TRACK_RATE.partition("/")
    seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[
        period or "minute"
    ]
    return int(count), seconds


def over_rate_limit(request) -> bool:
    """Counts one click for this client IP; True once over CALENDAR_TRACK_RATE."""
    limit, window = rate_limit()
    return rate_limit_exceeded(
        request=request, scope="calendars.track", limit=limit, window=window
    )


def _daily_salt() -> str:
    """A random salt per day that lives only in the cache (two days at most)."""
    key = f"calendars:salt:{timezone.now().date().isoformat()}"
    return cache.get_or_set(key, lambda: secrets.token_hex(16), timeout=2 * 86400)


def visitor_hash(request) -> str:
    """Same visitor, same day → same hash; different day → unlinkable."""
    if not settings.CALENDAR_TRACK_UNIQUE:
        return ""
    raw = "|".join(
        [_daily_salt(), client_ip(request), request.META.get("HTTP_USER_AGENT", "")]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def tracking_targets(*, public_id: str, language: str) -> dict | None:
    """{"pk", "google", "outlook", "outlook_office", "ics", "ticket"} for a calendar
    event, cached for a minute; None when there is no such (public) event."""
    key = f"calendars:targets:{public_id}:{language}"
    targets = cache.get(key)
    if targets is not None:
        return targets or None
    event = calendar_events().filter(public_id=public_id).first()
    if event is None:
        cache.set(key, {}, TARGET_CACHE_SECONDS)
        return None
    ics = reverse("calendars:download", kwargs={"public_id": event.public_id})
    targets = {
        "pk": str(event.pk),
        "google": google_link(event, language=language),
        "outlook": outlook_link(event, language=language, account="live"),
        "outlook_office": outlook_link(event, language=language, account="office"),
        "ics": f"{settings.SITE_URL}{ics}?lang={language}",
        "ticket": event_url(event, language),
    }
    cache.set(key, targets, TARGET_CACHE_SECONDS)
    return targets
