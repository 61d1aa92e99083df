"""Writes of the emails app: render and queue one email, bulk messages, unsubscribe.

Every email goes through `email_send_templated`: it renders the message in the
recipient's language, stores it in the email log as `queued` and, after the
surrounding transaction commits, hands it to the background worker
(`emails.tasks.email_deliver`). No web request waits for a mail server in production.
"""

import base64
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from community.audit import audit_record
from emails.links import link_placeholder, link_purposes
from emails.models import BulkEmail, BulkStatus, EmailLog, EmailStatus
from emails.tasks import email_enqueue
from spanglish.signed import id_from_token, id_token

UNSUBSCRIBE_SALT = "emails.unsubscribe"


def _normalise_attachments(attachments: Iterable) -> list[dict]:
    """(filename, content, mimetype[, content_id]) tuples → JSON-storable dicts."""
    stored = []
    for attachment in attachments or ():
        filename, content, mimetype, *rest = attachment
        if isinstance(content, str):
            content = content.encode()
        stored.append(
            {
                "filename": filename,
                "mimetype": mimetype,
                "content": base64.b64encode(content).decode("ascii"),
                "cid": rest[0] if rest else "",
            }
        )
    return stored


def _render_plain(name: str, context: dict) -> str:
    """Plain text is not HTML: render without autoescaping ("&" stays "&")."""
    return get_template(name).template.render(Context(context, autoescape=False))


def email_render(
    *, template: str, context: dict, language: str
) -> tuple[str, str, str]:
    """(subject, text, html) of templates/emails/<template>* rendered in `language`."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = _render_plain(f"emails/{template}_subject.txt", context)
        text = _render_plain(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    # A header cannot span lines; templates may end with a newline.
    return " ".join(subject.split()), text.strip() + "\n", html


def email_send_templated(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    user=None,
    topic: str = "",
    attachments: Iterable = (),
    headers: dict | None = None,
    bulk: BulkEmail | None = None,
    key: str | None = None,
    link: str = "",
) -> EmailLog:
    """Render, log as queued, and deliver after commit through the task worker.

    `attachments` are (filename, content, mimetype[, content_id]) tuples; a content
    id makes an inline part the HTML can show with `cid:`. `key` makes the email
    once-only: a second call with the same key returns the first log entry.
    `link` names a registered credential link (emails.links): the template's
    `{{ url }}` is logged as a placeholder and the worker mints the link at send time.
    `topic` says what the email is about, for the log's filter ("event:<id>").
    """
    stored_link = {}
    if link:
        if link not in link_purposes():
            raise ValueError(f"No credential link builder registered for {link!r}.")
        placeholder = link_placeholder(language)
        context = {**context, "url": placeholder}
        stored_link = {"purpose": link, "placeholder": placeholder}
    subject, text, html = email_render(
        template=template, context=context, language=language
    )
    fields = {
        "user": user,
        "to_email": to,
        "template": template,
        "language": language,
        "subject": subject[:300],
        "body_text": text,
        "body_html": html,
        "attachments": _normalise_attachments(attachments),
        "headers": dict(headers or {}),
        "link": stored_link,
        "topic": topic,
        "bulk": bulk,
        "key": key,
    }
    if key is not None:
        try:
            with transaction.atomic():
                log = EmailLog.objects.create(**fields)
        except IntegrityError:
            return EmailLog.objects.get(key=key)
    else:
        log = EmailLog.objects.create(**fields)
    email_enqueue(log=log)
    return log


# --- Unsubscribe ---------------------------------------------------------------------


def unsubscribe_token(user) -> str:
    """Signed, non-expiring: a link in a year-old newsletter must still work."""
    return id_token(user.pk, salt=UNSUBSCRIBE_SALT)


def user_id_from_unsubscribe_token(token: str) -> str | None:
    return id_from_token(token, salt=UNSUBSCRIBE_SALT)


@transaction.atomic
def news_unsubscribe(*, user) -> None:
    """Withdraw consent to news. Ticket mail keeps coming (it is not news)."""
    if not user.marketing_consent:
        return
    user.marketing_consent = False
    user.marketing_consent_at = timezone.now()
    user.save(update_fields=["marketing_consent", "marketing_consent_at"])
    audit_record(
        action="user.consent_withdrawn",
        actor=None,
        target=user,
        changes={"marketing_consent": [True, False], "via": "unsubscribe_link"},
    )


__all__ = [
    "BulkStatus",
    "EmailStatus",
    "email_enqueue",
    "email_render",
    "email_send_templated",
    "news_unsubscribe",
    "unsubscribe_token",
]
