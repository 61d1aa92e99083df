"""Writes of the operations app: heartbeats, backups, the state of scheduled jobs."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from operations.backup import archive, offsite, retention
from operations.backup.crypto import BackupError, recipients_from_settings
from operations.models import Heartbeat, ScheduledJob


def heartbeat_record(*, name: str, details: dict | None = None) -> Heartbeat:
    """Upsert the named heartbeat with the current time. No other side effects."""
    beat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "details": details or {}}
    )
    return beat


def job_start(*, name: str, schedule: str, lease: timedelta) -> str | None:
    """Take the job's lease for `lease` and mark it started; return the lease token.

    None when a run of the same job still holds an unexpired lease: that run is
    skipped and counted. One conditional UPDATE takes the lease, so two workers
    never both get it, on any database.
    """
    now = timezone.now()
    ScheduledJob.objects.get_or_create(name=name, defaults={"schedule": schedule})
    token = uuid.uuid4().hex
    taken = (
        ScheduledJob.objects.filter(name=name)
        .filter(Q(running_until__isnull=True) | Q(running_until__lte=now))
        .update(
            running_until=now + lease,
            lease_token=token,
            last_started_at=now,
            schedule=schedule,
        )
    )
    if not taken:
        ScheduledJob.objects.filter(name=name).update(skipped=F("skipped") + 1)
        return None
    return token


def job_finish(
    *, name: str, token: str, started_at: datetime, result: str = "", error: str = ""
) -> None:
    """Record how the run ended (`error` empty: it succeeded) and give the lease
    back, unless it expired and another run has taken it since."""
    now = timezone.now()
    outcome = {"last_finished_at": now, "last_duration": now - started_at}
    if error:
        outcome |= {
            "last_failed_at": now,
            "last_error": error[:4000],
            "failures": F("failures") + 1,
        }
    else:
        outcome |= {
            "last_succeeded_at": now,
            "last_result": result[:500],
            "last_error": "",
            "runs": F("runs") + 1,
        }
    ScheduledJob.objects.filter(name=name).update(**outcome)
    ScheduledJob.objects.filter(name=name, lease_token=token).update(
        running_until=None, lease_token=""
    )


@dataclass(frozen=True)
class BackupOutcome:
    result: archive.BackupResult
    encrypted: bool
    uploaded: str = ""
    pruned: list[str] = field(default_factory=list)


def backup_run(
    *,
    directory: Path,
    allow_unencrypted: bool = False,
    prune: bool = True,
    upload: bool = True,
) -> BackupOutcome:
    """Write the database and media into one archive in `directory`, copy it
    offsite (BACKUP_S3_BUCKET), apply retention, record the backup heartbeat.

    Raises BackupError, also when no BACKUP_AGE_RECIPIENT is set and a plain
    archive was not explicitly allowed. `manage.py backup` and the nightly job.
    """
    recipients = recipients_from_settings()
    if not recipients and not allow_unencrypted:
        raise BackupError(
            "No BACKUP_AGE_RECIPIENT is set: refusing to write an unencrypted "
            "backup. Set the age public key (age-keygen), or pass --unencrypted."
        )
    result = archive.create(directory, recipients=recipients)
    uploaded = ""
    if settings.BACKUP_S3_BUCKET and upload:
        uploaded = offsite.upload(result.path)
    pruned = []
    if prune:
        pruned = retention.prune(
            directory,
            keep_daily=settings.BACKUP_KEEP_DAILY,
            keep_weekly=settings.BACKUP_KEEP_WEEKLY,
        )
    heartbeat_record(
        name=Heartbeat.BACKUP,
        details={
            "file": result.path.name,
            "bytes": result.size,
            "seconds": round(result.seconds, 3),
            "offsite": uploaded,
        },
    )
    return BackupOutcome(
        result=result, encrypted=bool(recipients), uploaded=uploaded, pruned=pruned
    )


def jobs_enroll(*, jobs: dict[str, str]) -> None:
    """Create the state row of each job (name → schedule) not seen before, so a job
    that never ran can be told apart from one that is not due yet."""
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=name, schedule=schedule) for name, schedule in jobs.items()],
        ignore_conflicts=True,
    )
