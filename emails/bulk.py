"""Bulk messages: an organizer writes once, each recipient gets exactly one email.

Exactly once rests on the database: EmailLog has a unique (bulk, address) constraint
and a unique key per bulk recipient, so a dispatch that runs twice (a worker
restarted half-way) queues nobody twice. The fan-out runs in the worker as the task
`bulk_email_dispatch` below, beside the code it runs.
"""

from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community.audit import audit_record
from community.models import User
from emails.audiences import audience_get
from emails.models import BulkAudience, BulkEmail, BulkStatus, EmailLog
from emails.recipients import Recipient, recipient_for
from emails.services import email_render, email_send_templated, unsubscribe_token
from spanglish.errors import ConflictError
from spanglish.ratelimit import rate_limit_key_exceeded


def bulk_email_recipients(*, bulk: BulkEmail) -> Iterator[Recipient]:
    """Who gets the message, one entry per address.

    News goes only to members who consented (and are verified and active); any
    other audience is registered by the app that knows it (emails.audiences): a
    message to one event's attendees goes to its ticket holders (tickets), who get
    it even after unsubscribing from news, as it is about the ticket they hold.
    """
    seen: set[str] = set()
    audience = audience_get(bulk.audience)
    candidates = audience.recipients(bulk) if audience is not None else ()
    for recipient in candidates:
        if recipient is None or recipient.email.lower() in seen:
            continue
        seen.add(recipient.email.lower())
        yield recipient


def news_subscribers(bulk: BulkEmail) -> Iterator[Recipient | None]:
    """The "news_subscribers" audience (registered in EmailsConfig.ready())."""
    for user in User.objects.news_recipients().order_by("pk").iterator():
        yield recipient_for(user=user)


def unsubscribe_url(*, user, language: str) -> str:
    with translation.override(language):
        path = reverse("emails:unsubscribe", kwargs={"token": unsubscribe_token(user)})
    return settings.SITE_URL + path


def _bulk_context(
    *, bulk: BulkEmail, recipient: Recipient, test: bool = False
) -> tuple[str, dict, dict]:
    language, subject, body = bulk.version_for(recipient.language)
    context = {"subject": subject, "body": body, "name": recipient.name, "test": test}
    headers = {}
    if recipient.user is not None:
        url = unsubscribe_url(user=recipient.user, language=language)
        context["unsubscribe_url"] = url
        # RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs.
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return language, context, headers


def bulk_email_preview(*, bulk: BulkEmail, language: str, user) -> dict:
    """What a recipient reading `language` would get: subject, text and HTML."""
    recipient = Recipient(
        email=user.email, name=user.get_short_name(), language=language, user=user
    )
    language, context, _headers = _bulk_context(bulk=bulk, recipient=recipient)
    subject, text, html = email_render(
        template="bulk_message", context=context, language=language
    )
    return {"language": language, "subject": subject, "text": text, "html": html}


def bulk_email_languages(*, bulk: BulkEmail) -> list[str]:
    """The languages `bulk` is written in (subject and message both filled)."""
    written = {
        "en": bulk.subject_en and bulk.body_en,
        "es": bulk.subject_es and bulk.body_es,
    }
    return [code for code, done in written.items() if done]


@transaction.atomic
def bulk_email_send_test(
    *, bulk: BulkEmail, actor, language: str = ""
) -> list[EmailLog]:
    """Send `actor`, and nobody else, the message as a recipient gets it: one email
    per language it is written in (or `language` only), same subject, body, footer
    and unsubscribe link, the subject marked as a test. The test is in the email
    log but not in the bulk email's: its progress and recipient count leave it out.

    At most BULK_EMAIL_TEST_LIMIT tests per person every
    BULK_EMAIL_TEST_WINDOW_SECONDS (ConflictError past it). Audited.
    """
    if not actor.email:
        raise ValidationError(_("Your account has no email address to send a test to."))
    languages = bulk_email_languages(bulk=bulk)
    if language:
        languages = [code for code in languages if code == language]
    if not languages:
        raise ValidationError(
            _("Write the subject and message in Spanish, English or both.")
        )
    if rate_limit_key_exceeded(
        scope="bulk-email-test",
        key=str(actor.pk),
        limit=settings.BULK_EMAIL_TEST_LIMIT,
        window=settings.BULK_EMAIL_TEST_WINDOW_SECONDS,
    ):
        raise ConflictError(
            _("You have sent many tests in a short time: try again later."),
            code="throttled",
        )
    logs = []
    for code in languages:
        recipient = Recipient(
            email=actor.email, name=actor.get_short_name(), language=code, user=actor
        )
        version, context, headers = _bulk_context(
            bulk=bulk, recipient=recipient, test=True
        )
        logs.append(
            email_send_templated(
                to=actor.email,
                template="bulk_message",
                context=context,
                language=version,
                user=actor,
                topic=f"bulk-test:{bulk.pk}",
                headers=headers,
            )
        )
    audit_record(
        action="email.bulk_test_sent",
        actor=actor,
        target=bulk,
        changes={"languages": languages, "to": actor.email},
    )
    return logs


def bulk_email_topic(*, bulk: BulkEmail) -> str:
    """The topic of each email of `bulk`: the event its audience is about, if any."""
    event_id = (bulk.audience_params or {}).get("event")
    return f"event:{event_id}" if event_id else ""


def bulk_email_validate(*, bulk: BulkEmail) -> None:
    errors = {}
    if not bulk_email_languages(bulk=bulk):
        errors["subject_en"] = _(
            "Write the subject and message in Spanish, English or both."
        )
    if bulk.audience == BulkAudience.EVENT_ATTENDEES and not (
        bulk.audience_params or {}
    ).get("event"):
        errors["audience_params"] = _(
            "Choose the event whose attendees get the message."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def bulk_email_send(*, bulk: BulkEmail, actor) -> BulkEmail:
    """Lock the draft, mark it sending, audit, and dispatch after commit.

    Sending twice is a conflict: the row lock makes two clicks serialise and the
    second sees the status already changed.
    """
    bulk = BulkEmail.objects.select_for_update().get(pk=bulk.pk)
    if bulk.status != BulkStatus.DRAFT:
        raise ConflictError(_("This message has already been sent."))
    bulk_email_validate(bulk=bulk)
    bulk.status = BulkStatus.SENDING
    bulk.save(update_fields=["status"])
    audit_record(
        action="email.bulk_sent",
        actor=actor,
        target=bulk,
        changes={
            "audience": bulk.audience,
            "event": (bulk.audience_params or {}).get("event") or None,
            "subject_en": bulk.subject_en,
            "subject_es": bulk.subject_es,
        },
    )
    transaction.on_commit(lambda: bulk_email_dispatch.enqueue(bulk.pk), robust=True)
    return bulk


def bulk_email_dispatch_now(*, bulk_id: int) -> int:
    """Queue one email per recipient (skipping those already queued); returns the
    number of recipients. Safe to run again after a crash."""
    bulk = BulkEmail.objects.get(pk=bulk_id)
    if bulk.status == BulkStatus.DRAFT:
        return 0
    count = 0
    for recipient in bulk_email_recipients(bulk=bulk):
        count += 1
        language, context, headers = _bulk_context(bulk=bulk, recipient=recipient)
        email_send_templated(
            to=recipient.email,
            template="bulk_message",
            context=context,
            language=language,
            user=recipient.user,
            topic=bulk_email_topic(bulk=bulk),
            headers=headers,
            bulk=bulk,
            key=f"bulk:{bulk.pk}:{recipient.email.lower()}",
        )
    BulkEmail.objects.filter(pk=bulk.pk).update(
        status=BulkStatus.SENT,
        sent_at=timezone.now(),
        recipient_count=EmailLog.objects.filter(bulk=bulk).count(),
    )
    return count


@task
def bulk_email_dispatch(bulk_id: int) -> int:
    """Fan a bulk message out into one queued email per recipient."""
    return bulk_email_dispatch_now(bulk_id=bulk_id)
