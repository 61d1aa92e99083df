"""Periodic jobs of the operations app: the worker heartbeat, the nightly backup and
the weekly restore drill (spanglish/jobs.py schedules them, operations records them)."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings

from operations.backup.crypto import BackupError, identities_from_settings
from operations.backup.drill import verify
from operations.models import Heartbeat
from operations.selectors import backup_latest
from operations.services import backup_run, heartbeat_record, jobs_enroll
from spanglish.jobs import jobs_load, periodic


@periodic("* * * * *", lease=timedelta(minutes=5))
def worker_heartbeat() -> None:
    """Proves that queued tasks are being executed (/readyz, /metrics), and enrolls
    every job declared in code, so /readyz can tell one that never ran."""
    heartbeat_record(name=Heartbeat.WORKER)
    jobs_enroll(jobs={name: job.schedule for name, job in jobs_load().items()})


@periodic("15 3 * * *", lease=timedelta(hours=6))
def backup() -> str:
    """The nightly encrypted backup, offsite copy and retention (as `manage.py
    backup`); refuses to run without BACKUP_AGE_RECIPIENT."""
    outcome = backup_run(directory=Path(settings.BACKUP_DIR))
    return f"{outcome.result.path.name}: {outcome.result.size} bytes"


@periodic("0 5 * * Sun", lease=timedelta(hours=6))
def restore_drill() -> str:
    """Restore the newest archive into a scratch database and check it against its
    manifest (as `manage.py verify_backup`); needs the age identity to decrypt."""
    path = backup_latest(directory=Path(settings.BACKUP_DIR))
    if path is None:
        raise BackupError(f"No backup archive in {settings.BACKUP_DIR} to verify.")
    report = verify(
        path, identities=identities_from_settings(), allow_unencrypted=False
    )
    if not report.ok:
        raise BackupError(
            f"Restore drill of {path.name} FAILED: "
            f"row count mismatches {report.count_mismatches}, "
            f"integrity {report.integrity}, migrate --check {report.migrate_check}."
        )
    return f"{path.name} verified; restored in {report.restore_seconds:.1f} s."
