"""The restore drill: restore an archive into a scratch database and check it."""

import io
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command
from django.db import connections
from django.db.utils import load_backend

from operations.backup import database
from operations.backup.archive import extract
from operations.backup.crypto import BackupError


@dataclass
class DrillReport:
    manifest: dict
    restore_seconds: float = 0.0
    total_seconds: float = 0.0
    integrity: str = "not checked"
    count_mismatches: dict = field(default_factory=dict)
    migrations_applied: int = 0
    migrate_check: str = ""

    @property
    def ok(self) -> bool:
        return (
            self.integrity == "ok"
            and not self.count_mismatches
            and self.migrate_check == "ok"
        )


@contextmanager
def _scratch_alias(settings_dict: dict):
    """A connection alias for the scratch database, known only to this thread.

    It is not added to settings.DATABASES, so nothing else (routers, health checks,
    the test runner) ever sees it.
    """
    alias = f"backup_verify_{uuid.uuid4().hex[:8]}"
    options = {k: v for k, v in settings_dict.get("OPTIONS", {}).items() if k != "pool"}
    scratch = {**settings_dict, "OPTIONS": options, "CONN_MAX_AGE": 0, "TEST": {}}
    connections[alias] = load_backend(scratch["ENGINE"]).DatabaseWrapper(scratch, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


@contextmanager
def _scratch_database(extracted, workdir: Path, report: DrillReport):
    """Yield a connection alias holding the archive's database, then throw it away."""
    default = connections["default"].settings_dict
    vendor = extracted.manifest["database"]["vendor"]
    started = time.perf_counter()
    if vendor == "sqlite":
        path = workdir / "scratch.sqlite3"
        shutil.copyfile(extracted.database_file, path)
        report.integrity = database.sqlite_integrity_check(path)
        report.restore_seconds = time.perf_counter() - started
        with _scratch_alias(
            {**default, "ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
        ) as alias:
            yield alias
        return
    if vendor != "postgresql" or connections["default"].vendor != "postgresql":
        raise BackupError(
            f"A {vendor} backup is verified against a {vendor} server; this site "
            f"runs {connections['default'].vendor}."
        )
    name = f"spanglish_verify_{uuid.uuid4().hex[:12]}"
    with connections["default"].cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        scratch = {**default, "NAME": name}
        database.pg_restore(scratch, extracted.database_file)
        # pg_restore --exit-on-error in one transaction: it either fully loaded or failed.
        report.integrity = "ok"
        report.restore_seconds = time.perf_counter() - started
        with _scratch_alias(scratch) as alias:
            yield alias
    finally:
        with connections["default"].cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def verify(archive: Path, *, identities: list, allow_unencrypted: bool) -> DrillReport:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="spanglish-verify-") as tmp:
        extracted = extract(
            archive,
            Path(tmp),
            identities=identities,
            allow_unencrypted=allow_unencrypted,
        )
        report = DrillReport(manifest=extracted.manifest)
        with _scratch_database(extracted, Path(tmp), report) as alias:
            counts = database.row_counts(alias)
            expected = extracted.manifest["row_counts"]
            report.count_mismatches = {
                table: {"manifest": expected.get(table), "restored": counts.get(table)}
                for table in sorted(set(expected) | set(counts))
                if expected.get(table) != counts.get(table)
            }
            before = sum(len(v) for v in extracted.manifest["migrations"].values())
            call_command("migrate", database=alias, interactive=False, verbosity=0)
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM django_migrations")
                report.migrations_applied = cursor.fetchone()[0] - before
            try:
                call_command(
                    "migrate",
                    database=alias,
                    check_unapplied=True,
                    verbosity=0,
                    stdout=io.StringIO(),
                )
                report.migrate_check = "ok"
            except SystemExit:
                report.migrate_check = "unapplied migrations remain"
    report.total_seconds = time.perf_counter() - started
    return report
