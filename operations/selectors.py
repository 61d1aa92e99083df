"""Reads of the operations app: how old each heartbeat is."""

from datetime import timedelta

from django.utils import timezone

from operations.models import Heartbeat


def heartbeat_age(*, name: str) -> timedelta | None:
    """Age of the named heartbeat, or None when it never beat."""
    at = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    return None if at is None else timezone.now() - at
