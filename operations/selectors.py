"""Reads of the operations app: how old each heartbeat is, which jobs are overdue."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from operations.backup.retention import archive_time
from operations.models import Heartbeat, ScheduledJob
from spanglish.jobs import jobs_load


def heartbeat_age(*, name: str) -> timedelta | None:
    """Age of the named heartbeat, or None when it never beat."""
    at = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    return None if at is None else timezone.now() - at


def backup_latest(*, directory: Path) -> Path | None:
    """The newest backup archive in `directory`, by the time in its name."""
    if not directory.is_dir():
        return None
    dated = [(archive_time(p.name), p) for p in directory.iterdir() if p.is_file()]
    dated = [(when, path) for when, path in dated if when is not None]
    return max(dated)[1] if dated else None


@dataclass(frozen=True)
class JobStatus:
    name: str
    schedule: str
    interval: timedelta
    last_succeeded_at: datetime | None
    state: ScheduledJob | None  # None: the job never ran and was never enrolled
    overdue: bool
    age: timedelta | None  # since the last success


def job_overdue(
    *, interval: timedelta, state: ScheduledJob | None, now: datetime
) -> bool:
    """No success within SCHEDULER_OVERDUE_INTERVALS of the job's longest scheduled
    gap plus a minute for the queue, counted from its last success or, if it never
    succeeded, from when it was first known. Never known: overdue."""
    if state is None:
        return True
    allowed = interval * settings.SCHEDULER_OVERDUE_INTERVALS + timedelta(minutes=1)
    return now - (state.last_succeeded_at or state.created_at) > allowed


def jobs_status(*, now: datetime | None = None) -> list[JobStatus]:
    """Each periodic job declared in code, by name, with its last success and
    whether it is overdue."""
    now = now or timezone.now()
    registry = jobs_load()
    states = ScheduledJob.objects.in_bulk(list(registry))
    statuses = []
    for name, job in sorted(registry.items()):
        state = states.get(name)
        last = state.last_succeeded_at if state else None
        statuses.append(
            JobStatus(
                name=name,
                schedule=job.schedule,
                interval=job.interval,
                last_succeeded_at=last,
                state=state,
                overdue=job_overdue(interval=job.interval, state=state, now=now),
                age=None if last is None else now - last,
            )
        )
    return statuses
