"""`manage.py verify_backup ARCHIVE`: the restore drill, into a scratch database."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup.crypto import BackupError, identities_from_settings
from operations.backup.drill import verify


class Command(BaseCommand):
    help = (
        "Restore an archive into a scratch database (never the live one), check its "
        "integrity, row counts and checksums against the manifest, run migrations "
        "and `migrate --check`, and report how long the restore took."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--unencrypted", action="store_true")
        parser.add_argument("--json", action="store_true", help="Print a JSON report.")

    def handle(self, *args, **options):
        path: Path = options["archive"]
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        try:
            report = verify(
                path,
                identities=identities_from_settings(),
                allow_unencrypted=options["unencrypted"],
            )
        except BackupError as exc:
            raise CommandError(f"Backup verification FAILED: {exc}") from exc
        summary = {
            "archive": path.name,
            "ok": report.ok,
            "created_at": report.manifest["created_at"],
            "app_version": report.manifest["app_version"],
            "checksums": "ok",
            "integrity": report.integrity,
            "row_counts": "ok" if not report.count_mismatches else "mismatch",
            "count_mismatches": report.count_mismatches,
            "rows": sum(report.manifest["row_counts"].values()),
            "migrations_applied": report.migrations_applied,
            "migrate_check": report.migrate_check,
            "restore_seconds": round(report.restore_seconds, 3),
            "total_seconds": round(report.total_seconds, 3),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            for key, value in summary.items():
                self.stdout.write(f"{key}: {value}")
        if not report.ok:
            raise CommandError("Backup verification FAILED (see above).")
        self.stdout.write(self.style.SUCCESS("Backup verified."))
