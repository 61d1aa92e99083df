"""Consistent database snapshots and restores, one implementation per vendor.

PostgreSQL: ``pg_dump --format=custom`` inside an exported REPEATABLE READ snapshot,
so the dump, the row counts and the migration state describe the same instant.
SQLite: the online backup API (``sqlite3.Connection.backup``), safe while the site
writes; counts are taken from the copy.
"""

import os
import re
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections

from operations.backup.crypto import BackupError


@dataclass
class Snapshot:
    path: Path
    member: str
    row_counts: dict[str, int]
    migrations: dict[str, list[str]] = field(default_factory=dict)


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def _migrations_from_rows(rows) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


# --- SQLite -----------------------------------------------------------------------
def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    cursor = db.cursor()
    cursor.execute(_SQLITE_TABLES)
    return _count_tables(cursor, [row[0] for row in cursor.fetchall()])


def _sqlite_dump(alias: str, dest: Path) -> Snapshot:
    connection = connections[alias]
    connection.ensure_connection()
    target = sqlite3.connect(dest)
    try:
        connection.connection.backup(target)
        counts = _sqlite_counts(target)
        migrations = _migrations_from_rows(
            target.execute("SELECT app, name FROM django_migrations")
        )
    finally:
        target.close()
    return Snapshot(dest, "database/db.sqlite3", counts, migrations)


def sqlite_integrity_check(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def _sqlite_restore(alias: str, source: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    src = sqlite3.connect(source)
    try:
        # Page-by-page copy into the live database, atomically for its readers.
        src.backup(connection.connection)
    finally:
        src.close()


# --- PostgreSQL -------------------------------------------------------------------
def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if not match:
        raise BackupError(f"Cannot read a version from {version_text!r}.")
    return int(match.group(1))


def pg_tool(name: str) -> str:
    return getattr(settings, f"BACKUP_{name.upper()}", None) or name


def pg_check_versions(alias: str = "default") -> tuple[int, int]:
    """Fail loudly when pg_dump is older than the server: its dump would be unusable."""
    connection = connections[alias]
    connection.ensure_connection()
    server = connection.pg_version // 10000
    try:
        out = subprocess.run(  # noqa: S603
            [pg_tool("pg_dump"), "--version"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BackupError(f"pg_dump is not usable: {exc}") from exc
    client = _major(out)
    if client < server:
        raise BackupError(
            f"pg_dump {client} is older than the PostgreSQL {server} server; install "
            f"the postgresql-client-{server} package (or newer) and try again."
        )
    return client, server


def _pg_connect(settings_dict: dict):
    import psycopg

    return psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_tables(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


_PG_TABLES = (
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
    "ORDER BY tablename"
)
_SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type='table' "
    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
)


def pg_table_counts(cursor) -> dict[str, int]:
    cursor.execute(_PG_TABLES)
    return _count_tables(cursor, [row[0] for row in cursor.fetchall()])


def _pg_dump(alias: str, dest: Path) -> Snapshot:
    import psycopg

    pg_check_versions(alias)
    settings_dict = connections[alias].settings_dict
    with _pg_connect(settings_dict) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            result = subprocess.run(  # noqa: S603
                [
                    pg_tool("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={dest}",
                ],
                env=_pg_env(settings_dict),
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            counts = pg_table_counts(cursor)
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = _migrations_from_rows(cursor.fetchall())
    return Snapshot(dest, "database/db.pgdump", counts, migrations)


def pg_drop_all_tables(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute(_PG_TABLES)
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            names = ", ".join(_quote(t) for t in tables)
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")  # noqa: S608


def pg_restore(settings_dict: dict, source: Path) -> None:
    result = subprocess.run(  # noqa: S603
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings_dict['NAME']}",
            str(source),
        ],
        env=_pg_env(settings_dict),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


# --- Dispatch ---------------------------------------------------------------------
def dump(dest_dir: Path, alias: str = "default") -> Snapshot:
    kind = vendor(alias)
    if kind == "postgresql":
        return _pg_dump(alias, dest_dir / "db.pgdump")
    if kind == "sqlite":
        return _sqlite_dump(alias, dest_dir / "db.sqlite3")
    raise BackupError(f"Backups of {kind} databases are not supported.")


def restore(source: Path, alias: str = "default") -> None:
    """Replace the whole database behind `alias` with the snapshot in `source`."""
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("Cannot restore inside a transaction.")
    if connection.vendor == "postgresql":
        pg_drop_all_tables(alias)
        pg_restore(connection.settings_dict, source)
    else:
        _sqlite_restore(alias, source)
    # Connections may cache statements planned against the old tables.
    connection.close()


def row_counts(alias: str = "default") -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return pg_table_counts(cursor)
        cursor.execute(_SQLITE_TABLES)
        return _count_tables(cursor, [row[0] for row in cursor.fetchall()])
