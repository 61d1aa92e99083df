"""The real scheduler (`manage.py crontask`) and a real worker (`manage.py db_worker`)
against PostgreSQL and Redis: periodic jobs run with nobody calling a command, and two
schedulers started at once fire each job once.

Runs in CI's PostgreSQL pass; skipped on SQLite, whose test database other processes
cannot see. The processes use this test's own database and Redis database 14
(SCHEDULER_TEST_REDIS_URL), and the two jobs watched here run every two seconds
(SCHEDULE_EVERY_SECONDS) instead of every minute and every hour.
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from emails.models import EmailLog, EmailStatus
from events.tests.factories import EventFactory
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("SCHEDULER_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
EXPIRE_HOLDS = "tickets.tasks.expire_holds"
FAST = f"{EXPIRE_HOLDS}=2,tickets.tasks.send_reminders=2"


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def live_env():
    """Environment of the subprocesses; one live test at a time (they share the
    scheduler's Redis lock), whatever the number of pytest workers."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://…): the scheduler and worker "
            "processes cannot see SQLite's in-memory test database"
        )
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL} (SCHEDULER_TEST_REDIS_URL)")
    guard = client.lock("spanglish-test-scheduler-live", timeout=300)
    assert guard.acquire(blocking_timeout=300)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DATABASE_REPLICA_URL": "",
        "CACHE_URL": REDIS_URL,
        "SCHEDULER_REDIS_URL": REDIS_URL,
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SCHEDULE_EVERY_SECONDS": FAST,
        "DEBUG": "true",
        "LOG_FORMAT": "text",
        "SENTRY_DSN": "",
    }
    try:
        yield env
    finally:
        guard.release()


@contextmanager
def _running(env, logs: Path, *commands: list[str]):
    """Start each `manage.py` command; stop them all, whatever happens."""
    processes = []
    try:
        for number, command in enumerate(commands):
            log = (logs / f"{number}-{command[0]}.log").open("w")
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
                    [sys.executable, "manage.py", *command],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _wait_for(condition, *, seconds: float, logs: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    output = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs.iterdir())
    pytest.fail(f"not within {seconds} s; process output:\n{output}")


WORKER = ["db_worker", "--interval", "0.5", "--no-startup-delay"]
SCHEDULER = ["crontask", "--no-heartbeat"]


def test_stale_hold_expires_and_reminder_goes_out_with_nobody_calling_a_command(
    live_env, tmp_path
):
    hold = TicketFactory(
        status=TicketStatus.PENDING_PAYMENT,
        payment_method=PaymentMethod.ONLINE,
        hold_expires_at=timezone.now() - timedelta(minutes=1),
    )
    tomorrow = EventFactory(starts_at=timezone.now() + timedelta(hours=20))
    holder = TicketFactory(event=tomorrow)
    Ticket.objects.filter(pk=holder.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )

    def done() -> bool:
        hold.refresh_from_db()
        sent = EmailLog.objects.filter(
            key=f"reminder:{holder.pk}", status=EmailStatus.SENT
        ).exists()
        return hold.status == TicketStatus.EXPIRED and sent

    with _running(live_env, tmp_path, WORKER, SCHEDULER):
        _wait_for(done, seconds=60, logs=tmp_path)

    assert EmailLog.objects.get(key=f"reminder:{holder.pk}").to_email == (
        holder.attendee_email
    )


def test_two_schedulers_started_at_once_fire_each_job_once(live_env, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from operations.models import ScheduledJob

    def fired():
        return list(
            DBTaskResult.objects.filter(task_path=EXPIRE_HOLDS)
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
        )

    with _running(live_env, tmp_path, WORKER, SCHEDULER, SCHEDULER):
        _wait_for(lambda: len(fired()) >= 5, seconds=60, logs=tmp_path)
        outputs = [p.read_text() for p in sorted(tmp_path.glob("*-crontask.log"))]
    times = fired()
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
    assert min(gaps) > 1.5, gaps  # two schedulers firing would enqueue in pairs
    assert sum("Starting scheduler" in output for output in outputs) == 1, outputs
    job = ScheduledJob.objects.get(name=EXPIRE_HOLDS)
    finished = DBTaskResult.objects.filter(
        task_path=EXPIRE_HOLDS, status="SUCCESSFUL"
    ).count()
    # Each fire the worker got to ran once and was recorded once.
    assert job.runs == finished and job.skipped == 0
