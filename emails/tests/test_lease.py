"""The "sending" state and its lease (issue 18): a worker claims an email before it
sends it; an email whose worker died is sent again once the lease runs out, never
while a live worker holds it."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from community.models import AuditLog
from emails.delivery import (
    email_delivery_claim,
    email_delivery_failed,
    email_delivery_sent,
    worker_name,
)
from emails.models import EmailLog, EmailStatus
from emails.tasks import email_deliver, requeue_expired_email_leases
from emails.tests.backends import WatchingEmailBackend
from spanglish.jobs import jobs_load

pytestmark = pytest.mark.django_db
WATCHING = {"default": {"BACKEND": "emails.tests.backends.WatchingEmailBackend"}}


def _log(n=0, **fields) -> EmailLog:
    return EmailLog.objects.create(
        **{
            "to_email": f"guest{n}@example.com",
            "template": "bulk_message",
            "language": "en",
            "subject": "Summer party",
            "body_text": "Join us on the terrace.\n",
            **fields,
        }
    )


def _stuck(n=0, *, ended_minutes_ago=1, attempts=1, **fields) -> EmailLog:
    """Claimed by a worker that died: its lease ran out a while ago."""
    now = timezone.now()
    return _log(
        n,
        status=EmailStatus.SENDING,
        attempts=attempts,
        lease_until=now - timedelta(minutes=ended_minutes_ago),
        leased_at=now - timedelta(minutes=11),
        leased_by="dead-host:4242:0badc0de",
        **fields,
    )


def _busy(n=0) -> EmailLog:
    """Claimed by a live worker a moment ago: its lease holds for minutes more."""
    now = timezone.now()
    return _log(
        n,
        status=EmailStatus.SENDING,
        attempts=1,
        lease_until=now + timedelta(minutes=9),
        leased_at=now - timedelta(minutes=1),
        leased_by="live-host:7:beefcafe",
    )


@pytest.fixture
def watching(settings):
    settings.MAILERS = WATCHING
    WatchingEmailBackend.seen = []
    WatchingEmailBackend.started = WatchingEmailBackend.release = None
    yield WatchingEmailBackend
    WatchingEmailBackend.started = WatchingEmailBackend.release = None


def test_email_is_sending_under_a_lease_while_the_mailer_has_it(watching):
    log = _log()
    assert email_deliver.call(log.pk) == "sent"
    [seen] = watching.seen
    assert seen["status"] == EmailStatus.SENDING
    assert seen["lease_until"] > timezone.now()
    assert seen["leased_by"].startswith(worker_name() + ":")
    log.refresh_from_db()
    assert log.status == EmailStatus.SENT and log.attempts == 1
    assert log.lease_until is None
    # Who took it and when stay, for whoever reads the log later.
    assert log.leased_by == seen["leased_by"] and log.leased_at is not None


def test_email_a_live_worker_holds_is_never_sent_again(mailoutbox):
    log = _busy()
    assert email_deliver.call(log.pk) == "skipped"
    assert mailoutbox == []
    log.refresh_from_db()
    assert log.status == EmailStatus.SENDING
    assert log.leased_by == "live-host:7:beefcafe"


def test_email_of_a_dead_worker_is_sent_once_its_lease_ran_out(mailoutbox):
    log = _stuck()
    assert email_deliver.call(log.pk) == "sent"
    assert [m.to for m in mailoutbox] == [[log.to_email]]
    log.refresh_from_db()
    assert log.status == EmailStatus.SENT
    assert log.attempts == 2  # the dead worker's try counts
    assert not log.leased_by.startswith("dead-host")


def test_sent_and_failed_emails_are_not_claimed(mailoutbox):
    for status in (EmailStatus.SENT, EmailStatus.FAILED):
        log = _log(status=status)
        assert email_delivery_claim(log_id=log.pk) is None
    assert email_delivery_claim(log_id=999_999) is None
    assert mailoutbox == []


def test_a_late_worker_cannot_overwrite_the_next_workers_claim(mailoutbox):
    log = _log()
    long_ago = timezone.now() - timedelta(hours=1)
    slow = email_delivery_claim(log_id=log.pk, worker="slow", now=long_ago)
    fresh = email_delivery_claim(log_id=log.pk, worker="fresh")  # lease ran out
    assert fresh is not None and fresh.attempts == 2
    # The slow worker's failure comes in late: it changes nothing.
    assert email_delivery_failed(log=slow, error=OSError("timeout")) is False
    log.refresh_from_db()
    assert log.status == EmailStatus.SENDING
    assert log.leased_by == fresh.leased_by and log.error == ""
    email_delivery_sent(log=fresh)
    log.refresh_from_db()
    assert log.status == EmailStatus.SENT


def test_a_slow_worker_that_finishes_after_a_requeue_stops_the_second_copy(
    mailoutbox, django_capture_on_commit_callbacks
):
    log = _log()
    long_ago = timezone.now() - timedelta(hours=1)
    slow = email_delivery_claim(log_id=log.pk, worker="slow", now=long_ago)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        _command()
    log.refresh_from_db()
    assert log.status == EmailStatus.QUEUED
    email_delivery_sent(log=slow)  # the slow send went through after all
    for callback in queued:  # the requeued task runs now
        callback()
    log.refresh_from_db()
    assert log.status == EmailStatus.SENT
    assert mailoutbox == []  # no second copy


def test_requeue_job_sends_stuck_emails_and_leaves_live_ones(commit, mailoutbox):
    stuck, busy = _stuck(1), _busy(2)
    with commit():
        result = requeue_expired_email_leases.call()
    assert f"#{stuck.pk}" in result and f"#{busy.pk}" not in result
    assert [m.to for m in mailoutbox] == [[stuck.to_email]]
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == EmailStatus.SENT
    assert busy.status == EmailStatus.SENDING
    audit = AuditLog.objects.get(action="email.requeued")
    assert audit.changes["requeued"]["ids"] == [stuck.pk]
    assert audit.changes["reason"] == "lease_expired"


def test_requeue_job_runs_every_five_minutes():
    job = jobs_load()["emails.tasks.requeue_expired_email_leases"]
    assert job.schedule == "*/5 * * * *"


def test_an_email_whose_worker_died_on_every_attempt_is_given_up(
    commit, settings, mailoutbox
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    log = _stuck(attempts=3)
    assert email_deliver.call(log.pk) == "skipped"
    out = _command()
    assert f"Marked 1 failed: their worker stopped on every attempt: #{log.pk}." in out
    log.refresh_from_db()
    assert log.status == EmailStatus.FAILED
    assert "stopped while sending" in log.error
    assert mailoutbox == []


def _command(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("requeue_emails", *args, stdout=out)
    return out.getvalue()


def test_requeue_command_says_what_it_did(commit, mailoutbox):
    assert _command().strip() == "No stuck emails."
    stuck = _stuck()
    with commit():
        out = _command("--dry-run")
    assert f"Would requeue 1 stuck email(s) whose worker stopped: #{stuck.pk}." in out
    stuck.refresh_from_db()
    assert stuck.status == EmailStatus.SENDING and mailoutbox == []
    with commit():
        out = _command()
    assert f"Requeued 1 stuck email(s) whose worker stopped: #{stuck.pk}." in out
    assert len(mailoutbox) == 1


def test_failed_emails_are_requeued_only_when_asked(commit, mailoutbox):
    failed = _log(1, status=EmailStatus.FAILED, attempts=5, error="SMTP down")
    other = _log(2, status=EmailStatus.FAILED, attempts=5, template="refund")
    old = _log(3, status=EmailStatus.FAILED, attempts=5)
    EmailLog.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    sign_in = _log(
        4,
        status=EmailStatus.FAILED,
        attempts=5,
        template="login_link",
        link={"purpose": "login", "placeholder": "[link removed from the log]"},
    )
    with commit():
        assert "No stuck emails." in _command()
    assert mailoutbox == []
    with commit():
        out = _command("--failed", "--template", "bulk_message")
    assert f"Requeued 1 failed email(s): #{failed.pk}." in out
    assert [m.to for m in mailoutbox] == [[failed.to_email]]
    failed.refresh_from_db()
    assert failed.status == EmailStatus.SENT and failed.attempts == 1
    with commit():
        out = _command("--failed", "--hours", "0")
    # The old one and the refund go; a sign-in link is never sent again.
    assert f"#{other.pk}" in out and f"#{old.pk}" in out
    assert f"#{sign_in.pk}" not in out
    sign_in.refresh_from_db()
    assert sign_in.status == EmailStatus.FAILED


def test_requeue_command_refuses_filters_without_failed():
    with pytest.raises(CommandError):
        _command("--template", "refund")


def _admin_action(client, action, ids):
    return client.post(
        reverse("admin:emails_emaillog_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in ids]},
        follow=True,
    )


def test_organizer_requeues_stuck_emails_from_the_admin(
    client, organizer, commit, mailoutbox
):
    stuck, busy = _stuck(1), _busy(2)
    client.force_login(organizer)
    page = client.get(reverse("admin:emails_emaillog_changelist") + "?problem=stuck")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [stuck]
    with commit():
        response = _admin_action(client, "requeue_stuck", [stuck.pk, busy.pk])
    shown = [str(m) for m in response.context["messages"]]
    assert "1 email is queued again." in shown
    assert any("not stuck (a worker may still be sending it)" in m for m in shown)
    assert [m.to for m in mailoutbox] == [[stuck.to_email]]
    busy.refresh_from_db()
    assert busy.status == EmailStatus.SENDING
    assert AuditLog.objects.get(action="email.requeued").actor == organizer


def test_organizer_sends_failed_emails_again_from_the_admin(
    client, organizer, commit, mailoutbox
):
    failed = _log(status=EmailStatus.FAILED, attempts=5)
    client.force_login(organizer)
    with commit():
        _admin_action(client, "requeue_failed", [failed.pk])
    failed.refresh_from_db()
    assert failed.status == EmailStatus.SENT
    assert len(mailoutbox) == 1


def test_only_staff_reach_the_requeue_action(client, member, volunteer):
    stuck = _stuck()
    for user in (member, volunteer):
        client.force_login(user)
        response = _admin_action(client, "requeue_stuck", [stuck.pk])
        assert response.redirect_chain[0][0].startswith(reverse("admin:login"))
    stuck.refresh_from_db()
    assert stuck.status == EmailStatus.SENDING


def test_lease_shorter_than_the_mailer_may_take_is_refused(settings):
    settings.EMAIL_SEND_LEASE_SECONDS = 30
    errors = [e for e in run_checks() if e.id == "emails.E001"]
    assert errors and "go twice" in errors[0].msg
    settings.EMAIL_SEND_LEASE_SECONDS = 600
    assert not [e for e in run_checks() if e.id == "emails.E001"]


def test_sending_without_a_lease_is_refused_by_the_database():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        _log(status=EmailStatus.SENDING)


# --- Two workers at once, on their own connections -------------------------------


def _race(log_ids, *, hold_seconds=0.0):
    """Two workers deliver each email at the same moment; their results."""
    results, errors = [], []
    lock = threading.Lock()

    def work(barrier, pk):
        try:
            barrier.wait(timeout=30)
            outcome = email_deliver.call(pk)
            with lock:
                results.append((pk, outcome))
        except Exception as exc:  # noqa: BLE001 — reported by the assertion
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    for pk in log_ids:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=work, args=(barrier, pk)) for _ in "ab"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_each_email_send_it_once_on_postgresql(watching):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    logs = [_log(n) for n in range(12)]
    results, errors = _race([log.pk for log in logs])
    assert errors == []
    for log in logs:
        outcomes = sorted(o for pk, o in results if pk == log.pk)
        assert outcomes == ["sent", "skipped"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(x.to_email for x in logs)
    assert set(EmailLog.objects.values_list("status", flat=True)) == {"sent"}
    assert set(EmailLog.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_second_worker_skips_an_email_while_the_first_is_sending_it(watching):
    """Worker A is inside the mailer (its lease holds); worker B arrives then with
    the same email, and again after A's lease has been pushed into the past."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    log = _log()
    watching.started, watching.release = threading.Event(), threading.Event()
    outcome = {}

    def worker_a():
        try:
            outcome["a"] = email_deliver.call(log.pk)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker_a)
    thread.start()
    assert watching.started.wait(timeout=30)
    assert email_deliver.call(log.pk) == "skipped"  # B, while A holds the lease
    watching.release.set()
    thread.join()
    assert outcome["a"] == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_claim_skips_a_row_another_worker_is_claiming_without_waiting():
    """SKIP LOCKED: while another transaction holds the row, a claim returns at
    once with nothing instead of queueing behind it."""
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's")
    log = _log()
    locked, done = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                EmailLog.objects.select_for_update().get(pk=log.pk)
                locked.set()
                done.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(timeout=30)
    answer = {}

    def claim():
        try:
            answer["log"] = email_delivery_claim(log_id=log.pk)
        finally:
            connections.close_all()

    claimer = threading.Thread(target=claim)
    claimer.start()
    claimer.join(timeout=5)
    returned_at_once = not claimer.is_alive()
    done.set()
    thread.join()
    claimer.join()
    assert returned_at_once
    assert answer["log"] is None
    # Once the other transaction is over, the email is claimable again.
    assert email_delivery_claim(log_id=log.pk) is not None


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_once_on_any_database(watching):
    logs = [_log(n) for n in range(3)]
    results, errors = _race([log.pk for log in logs])
    # A claim SQLite refuses as "locked" (its busy wait ran out) sends nothing,
    # which is the point.
    assert all("locked" in e for e in errors)
    assert len(mail.outbox) == len(logs)
    assert set(EmailLog.objects.values_list("status", flat=True)) == {"sent"}
