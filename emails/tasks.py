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
from django.utils.html import escape

from emails.links import LinkUnavailable, link_build
from emails.models import EmailLog, EmailStatus

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    """Attempts before an email is marked failed (EMAIL_MAX_ATTEMPTS)."""
    return settings.EMAIL_MAX_ATTEMPTS


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8… minutes after the nth failed attempt."""
    return timedelta(minutes=2 ** max(attempt - 1, 0))


def _mint_link(log: EmailLog) -> str:
    """The credential link of `log`, made now from the account's current state."""
    placeholder = log.link.get("placeholder", "")
    if not placeholder or placeholder not in log.body_text:
        raise LinkUnavailable("the logged body has no place for the link")
    # log.user is read now, not when the email was queued: a deactivated or
    # deleted account gets nothing.
    return link_build(
        purpose=log.link.get("purpose", ""),
        user=log.user,
        to_email=log.to_email,
        language=log.language,
    )


def _build_message(log: EmailLog, *, link: str = "") -> EmailMultiAlternatives:
    """The message to send; `link` replaces the placeholder of a credential email in
    what is sent only (the log keeps the placeholder)."""
    text, html = log.body_text, log.body_html
    if link:
        placeholder = log.link["placeholder"]
        text = text.replace(placeholder, link)
        html = html.replace(escape(placeholder), escape(link))
    message = EmailMultiAlternatives(
        subject=log.subject,
        body=text,
        to=[log.to_email],
        headers=log.headers or None,
    )
    if html:
        message.attach_alternative(html, "text/html")
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
    """Send one logged email through the default mailer; retry with backoff.

    Only the log id travels through the task queue. A credential email gets a link
    minted here, on every attempt, and sent without being written anywhere."""
    with transaction.atomic():
        log = EmailLog.objects.select_for_update().filter(pk=log_id).first()
        if log is None or log.status != EmailStatus.QUEUED:
            return "skipped"  # already sent, given up, or deleted
        log.attempts += 1
        log.save(update_fields=["attempts"])
    link = ""
    try:
        if log.link:
            link = _mint_link(log)
    except LinkUnavailable as error:
        log.status = EmailStatus.FAILED
        log.error = f"Not sent: {error}."
        log.save(update_fields=["error", "status"])
        logger.warning("email %s not sent: %s", log.pk, error)
        return "failed"
    try:
        _build_message(log, link=link).send(using="default")
    except Exception as error:  # any mailer/API failure is worth a retry
        text = f"{type(error).__name__}: {error}"
        if link:
            # A mail API may quote the message back in its error.
            text = text.replace(link, log.link["placeholder"])
        log.error = text[:2000]
        if log.attempts >= max_attempts():
            log.status = EmailStatus.FAILED
            log.save(update_fields=["error", "status"])
            logger.error("email %s failed for good: %s", log.pk, log.error)
            return "failed"
        log.save(update_fields=["error"])
        logger.warning(
            "email %s attempt %s failed: %s", log.pk, log.attempts, log.error
        )
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
