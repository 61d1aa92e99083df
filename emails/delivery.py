"""The delivery state machine of one logged email:

    queued → sending → sent
               ↓   ↘ queued again (a failed attempt, retried with backoff)
             failed (EMAIL_MAX_ATTEMPTS reached, or its credential link cannot be made)

A worker *claims* an email before sending it: one conditional UPDATE moves it from
queued to sending with a lease (`lease_until`, EMAIL_SEND_LEASE_SECONDS ahead) and
names the claim (`leased_by`: host, process and a nonce of this claim). Of two
workers racing for one email, one wins the UPDATE and the other gets nothing, on
every database. A worker that dies mid-send leaves its email "sending" with a lease
that runs out; then, and only then, the email may be claimed again (by a duplicate
task, or requeued by the `requeue_expired_email_leases` job: emails/recovery.py) —
never while the lease holds, and the lease is longer than any mailer may take
(emails/checks.py). Each outcome is written only while the claim still holds, so a
late worker cannot overwrite what the next one did.

Services the `email_deliver` task calls (emails/tasks.py): each state change is a
function here, the task only runs them in order and re-enqueues a retry.
"""

import base64
import email.message
import logging
import os
import secrets
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
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


def lease_length() -> timedelta:
    """How long a claim holds (EMAIL_SEND_LEASE_SECONDS)."""
    return timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)


def worker_name() -> str:
    """This process, as claims name it: host and process id."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def _claimable(now: datetime) -> Q:
    # A lease that ran out is a worker that died; one that died on every attempt
    # is not tried again (email_leases_recover marks it failed).
    return Q(status=EmailStatus.QUEUED) | Q(
        status=EmailStatus.SENDING,
        lease_until__lt=now,
        attempts__lt=max_attempts(),
    )


def email_delivery_claim(
    *, log_id: int, worker: str = "", now: datetime | None = None
) -> EmailLog | None:
    """Claim `log_id` for sending and count an attempt: queued, or sending under a
    lease that ran out. None when it is not claimable (sent, failed, deleted, or a
    live worker holds it).

    One UPDATE … WHERE status is claimable decides, so of two workers one wins. On
    PostgreSQL the row is first taken with SELECT … FOR UPDATE SKIP LOCKED: a worker
    claiming it at this very moment is skipped at once instead of waited for.
    """
    now = now or timezone.now()
    claim = f"{worker or worker_name()}:{secrets.token_hex(4)}"[:100]
    with transaction.atomic():
        rows = EmailLog.objects.filter(_claimable(now), pk=log_id)
        if connection.features.has_select_for_update_skip_locked:
            locked = rows.select_for_update(skip_locked=True).values_list(
                "pk", flat=True
            )
            if not list(locked):
                return None
        claimed = rows.update(
            status=EmailStatus.SENDING,
            lease_until=now + lease_length(),
            leased_by=claim,
            leased_at=now,
            attempts=F("attempts") + 1,
        )
    if not claimed:
        return None
    return EmailLog.objects.select_related("user").get(pk=log_id)


def _ours(log: EmailLog) -> QuerySet:
    """The row while `log`'s claim still holds (nobody requeued or re-claimed it)."""
    return EmailLog.objects.filter(
        pk=log.pk, status=EmailStatus.SENDING, leased_by=log.leased_by
    )


def _lost(log: EmailLog, outcome: str) -> None:
    logger.warning(
        "email %s: the claim %s ended before its outcome (%s) was written; "
        "another worker has it now",
        log.pk,
        log.leased_by,
        outcome,
    )


def email_delivery_link(*, log: EmailLog) -> str:
    """The credential link to send with `log` ("" when it has none); raises
    LinkUnavailable when it cannot be made now."""
    return _mint_link(log) if log.link else ""


def email_delivery_refuse(*, log: EmailLog, error: LinkUnavailable) -> None:
    """Mark `log` failed without sending: its link cannot be made."""
    log.status = EmailStatus.FAILED
    log.error = f"Not sent: {error}."
    if not _ours(log).update(status=log.status, error=log.error, lease_until=None):
        _lost(log, "refused")
        return
    logger.warning("email %s not sent: %s", log.pk, error)


def email_delivery_send(*, log: EmailLog, link: str = "") -> None:
    """Hand the message to the default mailer (raises whatever the mailer raises)."""
    _build_message(log, link=link).send(using="default")


def email_delivery_failed(*, log: EmailLog, error: Exception, link: str = "") -> bool:
    """Record a failed attempt; True when another attempt is due (the email is
    queued again), False when it is failed for good (EMAIL_MAX_ATTEMPTS reached)
    or no longer ours to record."""
    text = f"{type(error).__name__}: {error}"
    if link:
        # A mail API may quote the message back in its error.
        text = text.replace(link, log.link["placeholder"])
    log.error = text[:2000]
    final = log.attempts >= max_attempts()
    log.status = EmailStatus.FAILED if final else EmailStatus.QUEUED
    if not _ours(log).update(status=log.status, error=log.error, lease_until=None):
        _lost(log, "failed attempt")
        return False
    if final:
        logger.error("email %s failed for good: %s", log.pk, log.error)
        return False
    logger.warning("email %s attempt %s failed: %s", log.pk, log.attempts, log.error)
    return True


def email_delivery_sent(*, log: EmailLog) -> None:
    """Mark `log` sent now.

    Also when its lease ran out and it was requeued meanwhile but not yet claimed
    again: marking it sent then stops the second copy. Once another worker holds
    it, that worker's send cannot be stopped; it is logged."""
    now = timezone.now()
    rows = EmailLog.objects.filter(
        Q(status=EmailStatus.SENDING, leased_by=log.leased_by)
        | Q(status=EmailStatus.QUEUED),
        pk=log.pk,
    )
    if not rows.update(
        status=EmailStatus.SENT, sent_at=now, error="", lease_until=None
    ):
        _lost(log, "sent")
        return
    log.status, log.sent_at, log.error, log.lease_until = (
        EmailStatus.SENT,
        now,
        "",
        None,
    )
