"""`manage.py backup`: database + media in one encrypted archive, then retention."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backup import archive, offsite, retention
from operations.backup.crypto import BackupError, recipients_from_settings
from operations.models import Heartbeat
from operations.services import heartbeat_record


class Command(BaseCommand):
    help = (
        "Back up the database and uploaded media into one archive, encrypted with age "
        "to BACKUP_AGE_RECIPIENT, then prune old archives and optionally copy to S3."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="Default: BACKUP_DIR.")
        parser.add_argument(
            "--unencrypted",
            action="store_true",
            help="Write a plain archive when no BACKUP_AGE_RECIPIENT is set.",
        )
        parser.add_argument("--no-prune", action="store_true")
        parser.add_argument("--no-upload", action="store_true")

    def handle(self, *args, **options):
        directory = Path(options["dir"] or settings.BACKUP_DIR)
        try:
            recipients = recipients_from_settings()
            if not recipients and not options["unencrypted"]:
                raise CommandError(
                    "No BACKUP_AGE_RECIPIENT is set: refusing to write an unencrypted "
                    "backup. Set the age public key (age-keygen), or pass --unencrypted."
                )
            result = archive.create(directory, recipients=recipients)
            uploaded = ""
            if settings.BACKUP_S3_BUCKET and not options["no_upload"]:
                uploaded = offsite.upload(result.path)
            pruned = []
            if not options["no_prune"]:
                pruned = retention.prune(
                    directory,
                    keep_daily=settings.BACKUP_KEEP_DAILY,
                    keep_weekly=settings.BACKUP_KEEP_WEEKLY,
                )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        heartbeat_record(
            name=Heartbeat.BACKUP,
            details={
                "file": result.path.name,
                "bytes": result.size,
                "seconds": round(result.seconds, 3),
                "offsite": uploaded,
            },
        )
        counts = result.manifest["row_counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.path} ({result.size:,} bytes, "
                f"{result.seconds:.1f} s, {sum(counts.values()):,} rows in "
                f"{len(counts)} tables, {result.manifest['media']['files']} media files"
                f"{', encrypted' if recipients else ', NOT encrypted'})."
            )
        )
        if uploaded:
            self.stdout.write(f"Offsite copy: {uploaded}")
        for name in pruned:
            self.stdout.write(f"Pruned {name}")
