"""Backup, restore-drill and restore times and archive size for 100,000 tickets.

Runs in its own databases (PostgreSQL `<bench db>_ops` and a SQLite file under
var/bench/) because restoring is destructive; every step is a real `manage.py`
command in a subprocess, as an operator would run it.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import env

ROOT = Path(__file__).resolve().parent.parent
TICKETS = int(os.environ.get("BENCH_OPS_TICKETS", "100000"))

SEED = f"""
import uuid
from datetime import timedelta
from django.utils import timezone
from community.models import User
from events.models import Event
from tickets.models import Ticket, TicketStatus, PaymentMethod
if Ticket.objects.count() < {TICKETS}:
    Ticket.objects.all().delete(); Event.objects.all().delete()
    User.objects.filter(email__endswith="@bench.ops").delete()
    users = User.objects.bulk_create(
        [User(email=f"u{{i}}@bench.ops", name=f"User {{i}}") for i in range(1000)]
    )
    start = timezone.now() + timedelta(days=7)
    events = Event.objects.bulk_create([
        Event(slug=f"ops-{{i}}", title_en=f"Event {{i}}", title_es=f"Evento {{i}}",
              starts_at=start, ends_at=start + timedelta(hours=2), capacity=2000,
              venue_name="Bench", venue_address="Loopback 1", price=0, currency="EUR",
              status="published")
        for i in range({TICKETS} // 1000 + 1)
    ])
    batch = []
    for n in range({TICKETS}):
        user, event = users[n % 1000], events[n // 1000]
        batch.append(Ticket(event=event, user=user, status=TicketStatus.CONFIRMED,
                            payment_method=PaymentMethod.FREE,
                            attendee_name=user.name, attendee_email=user.email))
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch); batch = []
    Ticket.objects.bulk_create(batch)
print(Ticket.objects.count())
"""


def _run(args: list[str], environ: dict) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stderr[-2000:]}")
    return time.perf_counter() - started, out.stdout


def _ensure_pg(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
        if not c.execute(
            "SELECT 1 FROM pg_database WHERE datname=%s", [name]
        ).fetchone():
            c.execute(f'CREATE DATABASE "{name}"')


def _measure(label: str, database_url: str) -> list[dict]:
    from pyrage import x25519

    identity = x25519.Identity.generate()
    work = ROOT / "var" / "bench" / f"ops-{label}"
    work.mkdir(parents=True, exist_ok=True)
    environ = {
        **os.environ,
        **env.ENV,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(work / "uploads"),
        "BACKUP_DIR": str(work / "backups"),
        "BACKUP_AGE_RECIPIENT": str(identity.to_public()),
        "BACKUP_AGE_IDENTITY": str(identity),
        "BACKUP_KEEP_DAILY": "1",
        "BACKUP_KEEP_WEEKLY": "0",
        "BACKUP_S3_BUCKET": "",
    }
    _run(["migrate", "--no-input", "-v0"], environ)
    _run(["shell", "-c", SEED], environ)
    for old in (work / "backups").glob("spanglish-*"):
        old.unlink()
    backup_s, _ = _run(["backup"], environ)
    archive = max((work / "backups").glob("spanglish-*.tar.age"))
    _, report = _run(["verify_backup", str(archive), "--json"], environ)
    drill = json.loads(report[: report.rindex("}") + 1])
    restore_s, _ = _run(["restore", str(archive), "--force"], environ)
    note = f"{TICKETS:,} tickets, {drill['rows']:,} rows, age-encrypted"
    return [
        {
            "name": f"backup {label}",
            "value": round(backup_s, 2),
            "unit": "s",
            "note": note,
        },
        {
            "name": f"archive size {label}",
            "value": round(archive.stat().st_size / 1e6, 2),
            "unit": "MB",
            "note": note,
        },
        {
            "name": f"restore {label} (manage.py restore --force)",
            "value": round(restore_s, 2),
            "unit": "s",
            "note": "decrypt, verify checksums, replace DB, migrate",
        },
        {
            "name": f"restore drill {label}: DB restore only",
            "value": drill["restore_seconds"],
            "unit": "s",
            "note": "verify_backup into a scratch database",
        },
        {
            "name": f"restore drill {label}: total",
            "value": drill["total_seconds"],
            "unit": "s",
            "note": f"ok={drill['ok']}",
        },
    ]


def run() -> list[dict]:
    pg = env.BENCH_DB + "_ops"
    _ensure_pg(pg)
    rows = _measure("PostgreSQL", pg)
    sqlite = ROOT / "var" / "bench" / "ops.sqlite3"
    sqlite.parent.mkdir(parents=True, exist_ok=True)
    rows += _measure("SQLite", f"sqlite:///{sqlite}")
    return rows


if __name__ == "__main__":
    env.apply()
    for row in run():
        print(row)
