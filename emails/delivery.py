"""The delivery state machine of one logged email: queued → sent, or → failed after
EMAIL_MAX_ATTEMPTS (or at once when its credential link cannot be made).

Services the `email_deliver` task calls (emails/tasks.py): each state change is a
function here, the task only runs them in order and re-enqueues a retry.
"""

import base64
import email.message
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from emails.links import LinkUnavailable, link_build
from emails.models import EmailLog, EmailStatus

# The logger name the task used before these moved here: log filters keep working.
logger = logging.getLogger("emails.tasks")


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


def email_delivery_start(*, log_id: int) -> EmailLog | None:
    """Lock the log entry and count an attempt; None when it is no longer queued
    (already sent, given up, or deleted)."""
    with transaction.atomic():
        log = EmailLog.objects.select_for_update().filter(pk=log_id).first()
        if log is None or log.status != EmailStatus.QUEUED:
            return None
        log.attempts += 1
        log.save(update_fields=["attempts"])
    return log


def email_delivery_link(*, log: EmailLog) -> str:
    """The credential link to send with `log` ("" when it has none); raises
    LinkUnavailable when it cannot be made now."""
    return _mint_link(log) if log.link else ""


def email_delivery_refuse(*, log: EmailLog, error: LinkUnavailable) -> None:
    """Mark `log` failed without sending: its link cannot be made."""
    log.status = EmailStatus.FAILED
    log.error = f"Not sent: {error}."
    log.save(update_fields=["error", "status"])
    logger.warning("email %s not sent: %s", log.pk, error)


def email_delivery_send(*, log: EmailLog, link: str = "") -> None:
    """Hand the message to the default mailer (raises whatever the mailer raises)."""
    _build_message(log, link=link).send(using="default")


def email_delivery_failed(*, log: EmailLog, error: Exception, link: str = "") -> bool:
    """Record a failed attempt; True when another attempt is due, False when the
    email is now failed for good (EMAIL_MAX_ATTEMPTS reached)."""
    text = f"{type(error).__name__}: {error}"
    if link:
        # A mail API may quote the message back in its error.
        text = text.replace(link, log.link["placeholder"])
    log.error = text[:2000]
    if log.attempts >= max_attempts():
        log.status = EmailStatus.FAILED
        log.save(update_fields=["error", "status"])
        logger.error("email %s failed for good: %s", log.pk, log.error)
        return False
    log.save(update_fields=["error"])
    logger.warning("email %s attempt %s failed: %s", log.pk, log.attempts, log.error)
    return True


def email_delivery_sent(*, log: EmailLog) -> None:
    """Mark `log` sent now."""
    log.status = EmailStatus.SENT
    log.sent_at = timezone.now()
    log.error = ""
    log.save(update_fields=["status", "sent_at", "error"])
