"""`manage.py restore ARCHIVE`: verify, then replace the database and media."""

import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from operations.backup import archive, database
from operations.backup.crypto import BackupError, identities_from_settings


def _database_has_data() -> bool:
    try:
        return get_user_model().objects.exists()
    except DatabaseError:  # no tables yet: an empty database
        return False


class Command(BaseCommand):
    help = (
        "Restore a backup archive: check its checksums, replace the database and "
        "uploaded media, then run pending migrations. Stop web and worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database that already holds data.",
        )
        parser.add_argument(
            "--unencrypted",
            action="store_true",
            help="Accept a plain archive although backup keys are configured.",
        )

    def handle(self, *args, **options):
        path: Path = options["archive"]
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        started = time.perf_counter()
        try:
            with tempfile.TemporaryDirectory(prefix="spanglish-restore-") as tmp:
                extracted = archive.extract(
                    path,
                    Path(tmp),
                    identities=identities_from_settings(),
                    allow_unencrypted=options["unencrypted"],
                )
                manifest = extracted.manifest
                vendor = manifest["database"]["vendor"]
                if vendor != connection.vendor:
                    raise CommandError(
                        f"This is a {vendor} backup; this site runs {connection.vendor}."
                    )
                if _database_has_data() and not options["force"]:
                    raise CommandError(
                        "The database already holds data: pass --force to overwrite "
                        "it with the backup."
                    )
                database.restore(extracted.database_file)
                media = archive.restore_media(extracted.media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {path.name} (made {manifest['created_at']}, version "
                f"{manifest['app_version']}): database and {media} media files in "
                f"{time.perf_counter() - started:.1f} s; migrations are up to date."
            )
        )
