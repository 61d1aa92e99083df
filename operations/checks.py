"""Readiness reports for /readyz: the worker's heartbeat, the last backup's age and
the periodic jobs that are overdue.

They start with "ok" or "warning": a stale worker, backup or scheduler needs an
operator, but must not take every web process out of the load balancer, so none of
them fails /readyz.
"""

from datetime import timedelta

from django.conf import settings

from operations.models import Heartbeat
from operations.selectors import heartbeat_age, jobs_status


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds}s ago"
    if seconds < 7200:
        return f"{seconds // 60}min ago"
    return f"{seconds // 3600}h ago"


def worker_check() -> str:
    if "ImmediateBackend" in settings.TASKS["default"]["BACKEND"]:
        return "ok: tasks run in the web process"
    try:
        age = heartbeat_age(name=Heartbeat.WORKER)
    except Exception as exc:  # any failure is reported, not raised
        return f"error: {exc.__class__.__name__}"
    if age is None:
        return "warning: no worker heartbeat yet"
    if age.total_seconds() > settings.WORKER_HEARTBEAT_MAX_AGE:
        return f"warning: last worker heartbeat {_age(age)}"
    return f"ok: last worker heartbeat {_age(age)}"


def backup_check() -> str:
    try:
        age = heartbeat_age(name=Heartbeat.BACKUP)
    except Exception as exc:  # any failure is reported, not raised
        return f"error: {exc.__class__.__name__}"
    if age is None:
        return "warning: no successful backup yet"
    if age > timedelta(hours=settings.BACKUP_MAX_AGE_HOURS):
        return f"warning: last successful backup {_age(age)}"
    return f"ok: last successful backup {_age(age)}"


def scheduler_check() -> str:
    """Overdue periodic jobs by name: the scheduler or the worker is not running
    them (see `manage.py crontask`), or they keep failing (see the admin)."""
    try:
        statuses = jobs_status()
    except Exception as exc:  # reported, never failing /readyz
        return f"warning: job states unreadable ({exc.__class__.__name__})"
    overdue = [
        f"{s.name} (last success {_age(s.age)})"
        if s.age is not None
        else f"{s.name} (never succeeded)"
        for s in statuses
        if s.overdue
    ]
    if overdue:
        return "warning: overdue jobs: " + ", ".join(overdue)
    return f"ok: {len(statuses)} periodic jobs on time"
