"""Shared cache for what every visitor sees alike: event cards and public API answers.

Keys carry a version that changes whenever an event, ticket, waiting-list entry or
image is saved or deleted (signals connected in EventsConfig.ready), so a published
event or a sold seat shows at once. Changes that send no signal (bulk updates, a
payment hold expiring, an event passing) show within PUBLIC_CACHE_SECONDS, a few
seconds by default, so seat counts are never stale for longer.

Only visitor-independent output is cached: no user, CSRF token, message or nonce ever
goes into a cached value (whole pages hold markers in their place, filled in per
response: events/page_cache.py). A cache that is down is skipped, never an error.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

VERSION_KEY = "events:public:version"
# Saving any of these changes what a visitor sees on an event page or card.
WATCHED_MODELS = (
    "events.Event",
    "events.EventSeries",
    "events.EventImage",
    "tickets.Ticket",
    "tickets.WaitingListEntry",
    "media.Media",
)


def public_version() -> str:
    """The current version; starts a new one if the cache has none (e.g. after a flush)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, str(time.time_ns()), None)
        version = cache.get(VERSION_KEY)
    return version or "none"  # a cache that keeps nothing (DummyCache)


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, str(time.time_ns()), None)
    except Exception:  # a cache that is down must not block a booking
        logger.warning("public cache: could not bump the version", exc_info=True)


def public_cache_bump(*, using: str = "default", **_signal_kwargs) -> None:
    """Invalidate every cached public fragment (signal receiver; safe anywhere).

    Bumped once the change has committed (at once outside a transaction), never
    before: a page rendered from the old rows while the transaction was still open
    must not be kept under the new version. A bump inside the transaction as well
    retired nothing the one after commit does not, for one more Redis round trip."""
    transaction.on_commit(_new_version, using=using)


def public_cached(name: str, build: Callable[[], Any], *parts: object) -> Any:
    """`build()`'s result, shared by all visitors for the same language, time zone and
    `parts` until something changes or PUBLIC_CACHE_SECONDS pass."""
    seconds = settings.PUBLIC_CACHE_SECONDS
    if seconds <= 0:
        return build()
    try:
        key = ":".join(
            [
                "events:public",
                name,
                public_version(),
                translation.get_language() or "",
                timezone.get_current_timezone_name(),
                # Parts may be URLs: hashed, so any backend accepts the key.
                hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest(),
            ]
        )
        value = cache.get(key)
    except Exception:
        logger.warning("public cache: unavailable, rendering afresh", exc_info=True)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, seconds)
        except Exception:
            logger.warning("public cache: could not store %s", name, exc_info=True)
    return value
