"""Background delivery. Runs in `manage.py db_worker` in production (TASKS_BACKEND=
database) and in the web process in development (the immediate backend)."""

import base64
import email.message
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from emails.models import EmailLog, EmailStatus

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    """Attempts before an email is marked failed (EMAIL_MAX_ATTEMPTS)."""
    return settings.EMAIL_MAX_ATTEMPTS


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8… minutes after the nth failed attempt."""
    return timedelta(minutes=2 ** max(attempt - 1, 0))


def _build_message(log: EmailLog) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=log.subject,
        body=log.body_text,
        to=[log.to_email],
        headers=log.headers or None,
    )
    if log.body_html:
        message.attach_alternative(log.body_html, "text/html")
    for item in log.attachments:
        content = base64.b64decode(item["content"])
        if item.get("cid"):
            maintype, subtype = item["mimetype"].split("/", 1)
            part = email.message.MIMEPart()
            part.set_content(
                content,
                maintype=maintype,
                subtype=subtype,
                disposition="inline",
                filename=item["filename"],
                cid=f"<{item['cid']}>",
            )
            message.attach(part)
        else:
            message.attach(item["filename"], content, item["mimetype"])
    return message


@task
def email_deliver(log_id: int) -> str:
    """Send one logged email through the default mailer; retry with backoff."""
    with transaction.atomic():
        log = EmailLog.objects.select_for_update().filter(pk=log_id).first()
        if log is None or log.status != EmailStatus.QUEUED:
            return "skipped"  # already sent, given up, or deleted
        log.attempts += 1
        log.save(update_fields=["attempts"])
    try:
        _build_message(log).send(using="default")
    except Exception as error:  # any mailer/API failure is worth a retry
        log.error = f"{type(error).__name__}: {error}"[:2000]
        if log.attempts >= max_attempts():
            log.status = EmailStatus.FAILED
            log.save(update_fields=["error", "status"])
            logger.error("email %s failed for good: %s", log.pk, log.error)
            return "failed"
        log.save(update_fields=["error"])
        logger.warning("email %s attempt %s failed: %s", log.pk, log.attempts, error)
        # emails.services imports this module: imported here to break the cycle.
        from emails.services import email_enqueue

        # The immediate backend cannot defer, so in development the retries come
        # at once; max_attempts() bounds them either way.
        email_enqueue(log=log, run_after=timezone.now() + retry_delay(log.attempts))
        return "retry"
    log.status = EmailStatus.SENT
    log.sent_at = timezone.now()
    log.error = ""
    log.save(update_fields=["status", "sent_at", "error"])
    return "sent"


@task
def bulk_email_dispatch(bulk_id: int) -> int:
    """Fan a bulk message out into one queued email per recipient."""
    # emails.bulk imports this module: imported here to break the cycle.
    from emails.bulk import bulk_email_dispatch_now

    return bulk_email_dispatch_now(bulk_id=bulk_id)
