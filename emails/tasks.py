"""Background delivery. Runs in `manage.py db_worker` in production (TASKS_BACKEND=
database) and in the web process in development (the immediate backend). The
state changes of a delivery are services in emails/delivery.py."""

from datetime import datetime

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from emails.delivery import (
    email_delivery_failed,
    email_delivery_link,
    email_delivery_refuse,
    email_delivery_send,
    email_delivery_sent,
    email_delivery_start,
    retry_delay,
)
from emails.links import LinkUnavailable
from emails.models import EmailLog


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

    Only the log id travels through the task queue. A credential email gets a link
    minted here, on every attempt, and sent without being written anywhere."""
    log = email_delivery_start(log_id=log_id)
    if log is None:
        return "skipped"  # already sent, given up, or deleted
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
