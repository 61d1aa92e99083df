"""`manage.py backup`: database + media in one encrypted archive, then retention
(operations.services.backup_run, which the nightly scheduled job runs too)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backup.crypto import BackupError
from operations.services import backup_run


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
        try:
            outcome = backup_run(
                directory=Path(options["dir"] or settings.BACKUP_DIR),
                allow_unencrypted=options["unencrypted"],
                prune=not options["no_prune"],
                upload=not options["no_upload"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        result, recipients = outcome.result, outcome.encrypted
        uploaded, pruned = outcome.uploaded, outcome.pruned
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
