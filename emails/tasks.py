"""Background delivery. Runs in `manage.py db_worker` in production (TASKS_BACKEND=
database) and in the web process in development (the immediate backend). The
state changes of a delivery are services in emails/delivery.py."""

import io
from datetime import datetime

from django.core.management import call_command
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from emails.delivery import (
    email_delivery_claim,
    email_delivery_failed,
    email_delivery_link,
    email_delivery_refuse,
    email_delivery_send,
    email_delivery_sent,
    retry_delay,
)
from emails.links import LinkUnavailable
from emails.models import EmailLog
from spanglish.jobs import periodic


def email_enqueue(*, log: EmailLog, run_after: datetime | None = None) -> None:
    """Hand the log entry to the worker once the current transaction commits."""

    def enqueue():
        deliver = email_deliver
        if run_after is not None and deliver.get_backend().supports_defer:
            deliver = deliver.using(run_after=run_after)
        deliver.enqueue(log.pk)

    transaction.on_commit(enqueue, robust=True)


@task
def email_deliver(log_id: int) -> str:
    """Send one logged email through the default mailer; retry with backoff.

    Only the log id travels through the task queue. The email is claimed first
    (emails.delivery): a second task for the same email, or one that comes while a
    live worker sends it, does nothing. A credential email gets a link minted here,
    on every attempt, and sent without being written anywhere."""
    log = email_delivery_claim(log_id=log_id)
    if log is None:
        return "skipped"  # sent, given up, deleted, or another worker has it
    try:
        link = email_delivery_link(log=log)
    except LinkUnavailable as error:
        email_delivery_refuse(log=log, error=error)
        return "failed"
    try:
        email_delivery_send(log=log, link=link)
    except Exception as error:  # any mailer/API failure is worth a retry
        if not email_delivery_failed(log=log, error=error, link=link):
            return "failed"
        # The immediate backend cannot defer, so in development the retries come
        # at once; EMAIL_MAX_ATTEMPTS bounds them either way.
        email_enqueue(log=log, run_after=timezone.now() + retry_delay(log.attempts))
        return "retry"
    email_delivery_sent(log=log)
    return "sent"


@periodic("*/5 * * * *")
def requeue_expired_email_leases() -> str:
    """Requeue emails whose worker died while sending them (their lease ran out),
    as `manage.py requeue_emails` does."""
    out = io.StringIO()
    call_command("requeue_emails", stdout=out)
    return out.getvalue().strip()


@periodic("20 4 * * *")
def purge_email_log() -> str:
    """Delete sent and failed emails older than EMAIL_LOG_RETENTION_DAYS (as
    `manage.py purge_email_log`)."""
    out = io.StringIO()
    call_command("purge_email_log", stdout=out)
    return out.getvalue().strip()
