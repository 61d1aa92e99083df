"""Putting emails back in the queue: those whose worker died while sending them
(their lease ran out), and failed ones on request. `manage.py requeue_emails`, the
`requeue_expired_email_leases` job and the email log's admin actions call these.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from community.audit import audit_record
from emails.delivery import max_attempts
from emails.models import EmailLog, EmailStatus
from emails.tasks import email_enqueue

logger = logging.getLogger("emails.tasks")
AUDITED_IDS = 100


@dataclass
class RequeueResult:
    """What a requeue did: the ids put back in the queue, and (stuck ones only)
    those given up because their worker died on every attempt."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _locked(rows: QuerySet) -> QuerySet:
    # SKIP LOCKED: a row a worker is claiming right now is left to it. SQLite takes
    # the whole database's write lock at BEGIN (IMMEDIATE), which serialises anyway.
    if connection.features.has_select_for_update_skip_locked:
        return rows.select_for_update(skip_locked=True)
    return rows.select_for_update()


def _audited_ids(ids: list[int]) -> dict:
    # A bulk email's worth of ids would bloat the audit trail: the count and a sample.
    return {"count": len(ids), "ids": ids[:AUDITED_IDS]}


def _enqueue_after_commit(ids: list[int]) -> None:
    for pk in ids:
        email_enqueue(log=EmailLog(pk=pk))


def email_leases_stuck(*, now: datetime | None = None) -> QuerySet:
    """Emails "sending" whose lease ran out: their worker died mid-send."""
    return EmailLog.objects.filter(
        status=EmailStatus.SENDING, lease_until__lt=now or timezone.now()
    )


def email_leases_recover(
    *,
    ids: list[int] | None = None,
    actor=None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> RequeueResult:
    """Requeue the emails whose worker died (lease ran out; `ids` narrows), each
    sent again by a new task after commit; one whose worker died on each of its
    EMAIL_MAX_ATTEMPTS attempts is marked failed instead. Never touches an email
    whose lease still holds. Audited when it changed anything."""
    now = now or timezone.now()
    result = RequeueResult()
    with transaction.atomic():
        rows = email_leases_stuck(now=now)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        for pk, attempts in _locked(rows).values_list("pk", "attempts"):
            (result.failed if attempts >= max_attempts() else result.requeued).append(
                pk
            )
        if dry_run or not (result.requeued or result.failed):
            return result
        stuck = email_leases_stuck(now=now)
        stuck.filter(pk__in=result.failed).update(
            status=EmailStatus.FAILED,
            lease_until=None,
            error=f"The worker stopped while sending it, on each of its "
            f"{max_attempts()} attempts.",
        )
        stuck.filter(pk__in=result.requeued).update(
            status=EmailStatus.QUEUED,
            lease_until=None,
            error="Requeued: the worker sending it stopped before finishing.",
        )
        audit_record(
            action="email.requeued",
            actor=actor,
            changes={
                "reason": "lease_expired",
                "requeued": _audited_ids(result.requeued),
                "failed": _audited_ids(result.failed),
            },
        )
        _enqueue_after_commit(result.requeued)
    if result.requeued or result.failed:
        logger.warning(
            "emails whose worker stopped: requeued %s, failed %s",
            result.requeued,
            result.failed,
        )
    return result


def email_failed_requeueable(*, rows: QuerySet | None = None) -> QuerySet:
    """Failed emails that may be sent again. Never a credential email (sign-in,
    password reset…): an old request gets no fresh link; the member asks again."""
    rows = EmailLog.objects.all() if rows is None else rows
    return rows.filter(status=EmailStatus.FAILED).exclude(link__has_key="purpose")


def email_failed_requeue(
    *, rows: QuerySet, actor=None, dry_run: bool = False
) -> RequeueResult:
    """Queue the failed emails among `rows` again with a fresh set of attempts (after
    fixing the mail settings, say). Credential emails are left out. Audited."""
    result = RequeueResult()
    with transaction.atomic():
        chosen = _locked(email_failed_requeueable(rows=rows))
        result.requeued = list(chosen.values_list("pk", flat=True))
        if dry_run or not result.requeued:
            return result
        EmailLog.objects.filter(
            pk__in=result.requeued, status=EmailStatus.FAILED
        ).update(status=EmailStatus.QUEUED, attempts=0, lease_until=None)
        audit_record(
            action="email.requeued",
            actor=actor,
            changes={"reason": "failed", "requeued": _audited_ids(result.requeued)},
        )
        _enqueue_after_commit(result.requeued)
    return result
