"""Writes of the operations app: heartbeats."""

from django.utils import timezone

from operations.models import Heartbeat


def heartbeat_record(*, name: str, details: dict | None = None) -> Heartbeat:
    """Upsert the named heartbeat with the current time. No other side effects."""
    beat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "details": details or {}}
    )
    return beat
