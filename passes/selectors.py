"""Reads about passes that pages, API and admin share."""

from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from events.models import Event
from passes.models import Pass, PassProduct, PassStatus, PassUse


def usable_pass_for(user, event: Event) -> Pass | None:
    """The pass `user` would spend on `event`: active, valid when the session
    starts, covering it, with a session left. The one expiring soonest wins
    (a series pass before an any-event pass when both expire together)."""
    if user is None or not user.is_authenticated:
        return None
    now = timezone.now()
    candidates = (
        Pass.objects.valid(now)
        .filter(user=user, expires_at__gt=event.starts_at)
        .filter(Q(series__isnull=True) | Q(series_id=event.series_id))
        .with_sessions_used()
        .select_related("product")
        .order_by("expires_at", "series_id")
    )
    for candidate in candidates:
        left = candidate.sessions_left
        if left is None or left > 0:
            return candidate
    return None


def passes_of(user) -> QuerySet:
    """A person's passes (not abandoned checkouts: a pass still waiting for its
    payment after two hours is left out), newest first, with their
    uses, tickets and events loaded."""
    recent = timezone.now() - timedelta(hours=2)
    return (
        Pass.objects.filter(user=user)
        .filter(
            Q(status__in=[PassStatus.ACTIVE, PassStatus.CLOSED])
            | Q(status=PassStatus.PENDING_PAYMENT, created_at__gt=recent)
        )
        .with_sessions_used()
        .select_related("product", "series")
        .prefetch_related(
            Prefetch(
                "uses",
                queryset=PassUse.objects.select_related(
                    "ticket", "event", "pass_purchase"
                ).order_by("-event__starts_at"),
            )
        )
        .order_by("-created_at")
    )


def pass_products_on_sale() -> QuerySet:
    return PassProduct.objects.on_sale().select_related("series")
