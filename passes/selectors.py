"""Reads about passes that pages, API and admin share."""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from events.models import Event
from passes.models import Pass, PassProduct, PassStatus, PassUse, spent_uses_q


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


def passes_for_report(*, since: datetime, until: datetime) -> QuerySet:
    """Passes paid in [since, until) or with a session in it that still counts,
    oldest sale first, each with `sessions_used_count` (to date) and
    `used_in_period` (sessions in the period that count): the back office's pass
    report. Never-paid checkouts are left out. One query."""
    in_period = Q(event__starts_at__gte=since, event__starts_at__lt=until)
    used_then = PassUse.objects.filter(
        in_period, spent_uses_q(), pass_purchase=OuterRef("pk")
    )
    return (
        Pass.objects.filter(activated_at__isnull=False)
        .filter(Q(activated_at__gte=since, activated_at__lt=until) | Exists(used_then))
        .with_sessions_used()
        .annotate(
            used_in_period=Count(
                "uses",
                filter=spent_uses_q("uses__", expiry_path="expires_at")
                & Q(
                    uses__event__starts_at__gte=since, uses__event__starts_at__lt=until
                ),
            )
        )
        .select_related("product", "user")
        .order_by("activated_at", "pk")
    )
