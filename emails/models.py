from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # A worker has claimed it and is sending it, until `lease_until` (emails.delivery).
    SENDING = "sending", pgettext_lazy("email status", "Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class BulkAudience(models.TextChoices):
    EVENT_ATTENDEES = "event_attendees", _("Attendees of one event")
    NEWS_SUBSCRIBERS = "news_subscribers", _("Members who accept news")


class BulkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Queued for every recipient")


class BulkEmail(models.Model):
    """A message an organizer writes once and the system sends to many, one each."""

    audience = models.CharField(
        _("audience"), max_length=24, choices=BulkAudience.choices
    )
    # What the audience needs to know who it is (emails.audiences): one event's
    # ticket holders are {"event": "<event id>"}. Emails never reads inside it.
    audience_params = models.JSONField(_("audience details"), default=dict, blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("message (English)"), blank=True)
    subject_es = models.CharField(_("subject (Spanish)"), max_length=200, blank=True)
    body_es = models.TextField(_("message (Spanish)"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=BulkStatus.choices,
        default=BulkStatus.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("bulk email")
        verbose_name_plural = _("bulk emails")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(audience="event_attendees")
                | Q(audience_params__has_key="event"),
                name="bulkemail_event_audience_has_event",
            ),
        ]

    def __str__(self):
        return self.subject_en or self.subject_es or f"#{self.pk}"

    def version_for(self, language: str) -> tuple[str, str, str]:
        """(language, subject, body) in `language` when written, else the other one."""
        versions = {
            "en": (self.subject_en, self.body_en),
            "es": (self.subject_es, self.body_es),
        }
        order = [language] + [code for code in ("en", "es") if code != language]
        for code in order:
            subject, body = versions.get(code, ("", ""))
            if subject and body:
                return code, subject, body
        return language, "", ""


class EmailLog(models.Model):
    """One email the system sent or tried to send, with its rendered content."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="email_logs",
    )
    to_email = models.EmailField(_("recipient address"), max_length=254)
    template = models.CharField(_("template"), max_length=100)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("body (plain text)"))
    body_html = models.TextField(_("body (HTML)"), blank=True)
    # Attachments as [{"filename", "mimetype", "content" (base64), "cid"}]: the worker
    # that sends may run in another process, long after the request.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # A credential email (sign-in, reset…) keeps only which link to make and the
    # placeholder its bodies hold instead: {"purpose", "placeholder"}. The worker
    # mints the link when it sends (emails.links); a working link is never stored.
    link = models.JSONField(
        _("credential link"), default=dict, blank=True, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=EmailStatus.choices,
        default=EmailStatus.QUEUED,
        db_index=True,
    )
    error = models.TextField(_("last error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The claim of the worker sending it (status "sending"): it holds until
    # `lease_until`; past that, the worker is taken for dead and the email goes to
    # another one. `leased_by` (host, process and a per-claim nonce) and `leased_at`
    # stay after the send, to say which worker took it last and when.
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    leased_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    leased_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # What the email is about, for finding and filtering: "event:<event id>" (the
    # apps that send say; emails keeps no relation to them). Empty: nothing.
    topic = models.CharField(_("topic"), max_length=100, blank=True, db_index=True)
    bulk = models.ForeignKey(
        BulkEmail,
        verbose_name=_("bulk email"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="logs",
    )
    # Idempotency key for mail that must go out once ("reminder:<ticket id>").
    key = models.CharField(
        _("key"), max_length=200, null=True, blank=True, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email log entry")
        verbose_name_plural = _("email log")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bulk", "to_email"],
                condition=Q(bulk__isnull=False),
                name="emaillog_one_per_bulk_recipient",
            ),
            # Sending means a worker holds it until a known time: without one, a
            # dead worker's email could never be told from a live one's.
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(lease_until__isnull=False),
                name="emaillog_sending_has_lease",
            ),
        ]
        indexes = [
            models.Index(fields=["bulk", "status"]),
            # The sweep for claims whose worker died (emails.delivery).
            models.Index(
                fields=["lease_until"],
                condition=Q(status="sending"),
                name="emaillog_sending_lease_idx",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to_email}"
