"""Periodic jobs: declared once in code, on the scheduler, in every deploy path,
never overlapping themselves, and visible when they stop running."""

import configparser
import logging
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from crontask import scheduler
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from operations.models import ScheduledJob
from operations.services import job_finish, job_start
from spanglish.jobs import jobs_load
from tickets.models import PaymentMethod, TicketStatus
from tickets.tests.factories import TicketFactory

ROOT = Path(settings.BASE_DIR)
EXPECTED_JOBS = {
    "tickets.tasks.expire_holds",
    "tickets.tasks.send_reminders",
    "payments.tasks.reconcile_payments",
    "events.tasks.generate_series_sessions",
    "community.tasks.purge_audit_ips",
    "community.tasks.purge_guest_data",
    "emails.tasks.purge_email_log",
    "emails.tasks.requeue_expired_email_leases",
    "community.tasks.flush_expired_tokens",
    "community.tasks.purge_idempotency_keys",
    "operations.tasks.backup",
    "operations.tasks.restore_drill",
    "operations.tasks.worker_heartbeat",
}
EXPIRE_HOLDS = "tickets.tasks.expire_holds"


def _stale_hold():
    return TicketFactory(
        status=TicketStatus.PENDING_PAYMENT,
        payment_method=PaymentMethod.ONLINE,
        hold_expires_at=timezone.now() - timedelta(minutes=1),
    )


def _all_succeeded(at):
    for name in jobs_load():
        ScheduledJob.objects.update_or_create(
            name=name, defaults={"last_succeeded_at": at}
        )


def test_every_job_declared_in_code_is_on_the_scheduler():
    registry = jobs_load()
    on_scheduler = {
        job.func.__self__.module_path
        for job in scheduler.get_jobs()
        if job.func.__self__.module_path != "crontask.tasks.heartbeat"
    }
    assert set(registry) == EXPECTED_JOBS
    assert on_scheduler == set(registry)


def test_docker_compose_runs_the_scheduler_from_the_app_image():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    scheduler_service = compose["services"]["scheduler"]
    worker = compose["services"]["worker"]
    assert scheduler_service["command"][:3] == ["python", "manage.py", "crontask"]
    assert scheduler_service["image"] == worker["image"]
    assert scheduler_service["restart"] == "unless-stopped"
    # Its lock and the worker's queue: Redis and the database backend.
    assert scheduler_service["environment"]["CACHE_URL"].startswith("redis://")
    assert scheduler_service["environment"]["TASKS_BACKEND"] == "database"


def test_systemd_runs_the_scheduler_and_no_per_command_timer_is_left():
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.read(ROOT / "deploy/systemd/spanglish-scheduler.service")
    service = unit["Service"]
    assert service["ExecStart"].split()[1:3] == ["manage.py", "crontask"]
    assert service["Restart"] == "always"
    assert service["EnvironmentFile"] == "/etc/spanglish.env"
    assert list((ROOT / "deploy/systemd").glob("*.timer")) == []
    assert not (ROOT / "deploy/crontab.example").exists()


@pytest.mark.django_db
def test_run_is_skipped_and_logged_while_the_previous_one_is_still_going(caplog):
    ticket = _stale_hold()
    from tickets.tasks import expire_holds

    # What a slow run in another worker holds while it works.
    token = job_start(name=EXPIRE_HOLDS, schedule="* * * * *", lease=timedelta(hours=1))
    with caplog.at_level(logging.WARNING, logger="spanglish.jobs"):
        assert expire_holds.call().startswith("skipped")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING_PAYMENT
    assert "still going" in caplog.text
    assert ScheduledJob.objects.get(name=EXPIRE_HOLDS).skipped == 1

    job_finish(name=EXPIRE_HOLDS, token=token, started_at=timezone.now())
    expire_holds.call()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.EXPIRED


@pytest.mark.django_db
def test_lease_of_a_run_whose_worker_died_expires():
    ticket = _stale_hold()
    from tickets.tasks import expire_holds

    job_start(name=EXPIRE_HOLDS, schedule="* * * * *", lease=timedelta(minutes=10))
    ScheduledJob.objects.filter(name=EXPIRE_HOLDS).update(
        running_until=timezone.now() - timedelta(seconds=1)
    )
    expire_holds.call()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.EXPIRED
    job = ScheduledJob.objects.get(name=EXPIRE_HOLDS)
    assert job.runs == 1 and job.running_until is None
    assert job.last_result == "Expired 1 ticket holds and 0 waiting-list offers."


@pytest.mark.django_db
def test_failed_run_is_recorded_without_a_success(settings, tmp_path):
    from operations.backup.crypto import BackupError
    from operations.tasks import backup

    settings.BACKUP_AGE_RECIPIENT = ""
    settings.BACKUP_DIR = tmp_path
    with pytest.raises(BackupError):
        backup.call()
    job = ScheduledJob.objects.get(name="operations.tasks.backup")
    assert job.failures == 1 and job.runs == 0
    assert job.last_succeeded_at is None and job.running_until is None
    assert "BACKUP_AGE_RECIPIENT" in job.last_error
    assert list(tmp_path.iterdir()) == []  # no plain archive written


@pytest.mark.django_db
def test_heartbeat_enrolls_every_job_so_one_that_never_ran_shows():
    from operations.tasks import worker_heartbeat

    worker_heartbeat.call()
    assert set(ScheduledJob.objects.values_list("name", flat=True)) == EXPECTED_JOBS


@pytest.mark.django_db
def test_readyz_warns_about_an_overdue_job_but_stays_200(client):
    now = timezone.now()
    _all_succeeded(now)
    body = client.get("/readyz").json()
    assert body["checks"]["scheduler"] == (
        f"ok: {len(EXPECTED_JOBS)} periodic jobs on time"
    )

    ScheduledJob.objects.filter(name=EXPIRE_HOLDS).update(
        last_succeeded_at=now - timedelta(minutes=10)
    )
    # A nightly job that ran 20 hours ago is not overdue.
    ScheduledJob.objects.filter(name="operations.tasks.backup").update(
        last_succeeded_at=now - timedelta(hours=20)
    )
    response = client.get("/readyz")
    assert response.status_code == 200
    check = response.json()["checks"]["scheduler"]
    assert check == (
        "warning: overdue jobs: tickets.tasks.expire_holds (last success 10min ago)"
    )


@pytest.mark.django_db
def test_readyz_lists_jobs_that_never_ran_when_nothing_runs_them(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    check = response.json()["checks"]["scheduler"]
    assert check.startswith("warning: overdue jobs:")
    assert f"{EXPIRE_HOLDS} (never succeeded)" in check


@pytest.mark.django_db
def test_metrics_expose_each_jobs_last_success(client, settings):
    settings.METRICS_TOKEN = "metrics-token"  # noqa: S105
    at = timezone.now() - timedelta(minutes=30)
    _all_succeeded(timezone.now())
    ScheduledJob.objects.filter(name=EXPIRE_HOLDS).update(last_succeeded_at=at)
    text = client.get(
        "/metrics", HTTP_AUTHORIZATION="Bearer metrics-token"
    ).content.decode()
    samples = {
        (sample.name, sample.labels.get("job")): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    last_success = "spanglish_job_last_success_timestamp_seconds"
    assert samples[(last_success, EXPIRE_HOLDS)] == pytest.approx(at.timestamp())
    assert samples[("spanglish_job_overdue", EXPIRE_HOLDS)] == 1
    assert samples[("spanglish_job_overdue", "operations.tasks.backup")] == 0


@pytest.mark.django_db
def test_admin_shows_each_jobs_last_run_read_only(client, admin_user):
    _all_succeeded(timezone.now())
    ScheduledJob.objects.filter(name="operations.tasks.backup").update(
        last_error="BackupError: No BACKUP_AGE_RECIPIENT is set"
    )
    client.force_login(admin_user)
    page = client.get(reverse("admin:operations_scheduledjob_changelist"))
    assert page.status_code == 200
    assert EXPIRE_HOLDS.encode() in page.content
    assert b"No BACKUP_AGE_RECIPIENT is set" in page.content
    add = client.get(reverse("admin:operations_scheduledjob_add"))
    assert add.status_code == 403
    change = client.post(
        reverse("admin:operations_scheduledjob_change", args=[EXPIRE_HOLDS]),
        {"last_error": ""},
    )
    assert change.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    sorted(
        EXPECTED_JOBS - {"operations.tasks.backup", "operations.tasks.restore_drill"}
    ),
)
def test_each_job_runs_its_command_and_records_the_success(name):
    job = jobs_load()[name]
    job.task.call()
    state = ScheduledJob.objects.get(name=name)
    assert state.runs == 1 and state.last_error == ""
    assert state.last_succeeded_at is not None and state.schedule == job.schedule
