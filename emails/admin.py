from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.csp import CSP
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.csp import csp_override

from emails.audiences import audience_describe, audience_params_fields
from emails.bulk import (
    bulk_email_languages,
    bulk_email_preview,
    bulk_email_recipients,
    bulk_email_send,
    bulk_email_send_test,
)
from emails.models import BulkEmail, BulkStatus, EmailLog, EmailStatus
from emails.recovery import (
    email_failed_requeue,
    email_leases_recover,
    email_leases_stuck,
)
from spanglish.admin import (
    ReadOnlyAdmin,
    TechnicalDetailsMixin,
    json_block,
    status_column,
)
from spanglish.errors import ConflictError

# By value, so a status added later falls back to neutral instead of failing.
EMAIL_STATUS_TONES = {
    "queued": "warning",
    "sending": "info",
    "sent": "success",
    "failed": "danger",
}
BULK_STATUS_TONES = {
    BulkStatus.DRAFT: "neutral",
    BulkStatus.SENDING: "info",
    BulkStatus.SENT: "success",
}


class DeliveryProblemFilter(admin.SimpleListFilter):
    """The emails that need someone: stuck (their worker stopped mid-send) or
    failed."""

    title = _("delivery problem")
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [
            ("stuck", _("Stuck while sending")),
            ("failed", _("Failed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "stuck":
            return queryset & email_leases_stuck()
        if self.value() == "failed":
            return queryset.filter(status=EmailStatus.FAILED)
        return queryset


@admin.register(EmailLog)
class EmailLogAdmin(TechnicalDetailsMixin, ReadOnlyAdmin):
    """Read-only: the log records what happened; nobody edits history.

    What a message said (its text, attachments) and how it was sent (headers, the
    kind of sign-in link it carried, its topic) are for admins only: an organizer
    sees who was sent what and whether it went out. Credential links are never
    stored at all (emails.links), whoever looks.
    """

    list_display = [
        "created_at",
        "to_email",
        "subject",
        "template",
        "language_display",
        "status_badge",
        "attempts",
        "sent_at",
    ]
    list_filter = [
        "status",
        DeliveryProblemFilter,
        "template",
        "language",
        # "event:<id>": what the sending app said the email is about.
        "topic",
        ("bulk", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["to_email", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    fields = [
        "user",
        "to_email",
        "subject",
        "template",
        "language_display",
        "status_badge",
        "attempts",
        "error",
        "bulk",
        "created_at",
        "leased_at",
        "lease_until",
        "sent_at",
    ]
    message_fields = ["body_text", "attachment_names"]
    technical_fields = ["topic", "leased_by", "link_display", "headers_display"]
    readonly_fields = [*fields, *message_fields, *technical_fields]
    status_badge = status_column(EMAIL_STATUS_TONES)
    actions = ["requeue_stuck", "requeue_failed"]

    def has_requeue_permission(self, request):
        # Requeuing changes no history, only whether a copy goes out: whoever
        # may manage emails (organizers, admins) may do it.
        return request.user.has_perm("emails.change_emaillog")

    @admin.action(
        description=_("Requeue the selected stuck emails"), permissions=["requeue"]
    )
    def requeue_stuck(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        result = email_leases_recover(ids=ids, actor=request.user)
        left = self._report(request, result, asked=len(ids))
        if left:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected email was left as it is: it is not stuck "
                    "(a worker may still be sending it).",
                    "%(count)d selected emails were left as they are: they are not "
                    "stuck (a worker may still be sending them).",
                    left,
                )
                % {"count": left},
                messages.INFO,
            )

    @admin.action(
        description=_("Send the selected failed emails again"), permissions=["requeue"]
    )
    def requeue_failed(self, request, queryset):
        result = email_failed_requeue(rows=queryset, actor=request.user)
        left = self._report(request, result, asked=queryset.count())
        if left:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected email was left as it is: it has not failed, "
                    "or it is a sign-in email (the member asks for a new link).",
                    "%(count)d selected emails were left as they are: they have not "
                    "failed, or they are sign-in emails (the member asks for a new "
                    "link).",
                    left,
                )
                % {"count": left},
                messages.INFO,
            )

    def _report(self, request, result, *, asked: int) -> int:
        """Say what was requeued; the number of selected emails left alone."""
        done = len(result.requeued) + len(result.failed)
        if result.requeued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email is queued again.",
                    "%(count)d emails are queued again.",
                    len(result.requeued),
                )
                % {"count": len(result.requeued)},
                messages.SUCCESS,
            )
        if result.failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email is marked failed: its worker stopped on every "
                    "attempt.",
                    "%(count)d emails are marked failed: their worker stopped on "
                    "every attempt.",
                    len(result.failed),
                )
                % {"count": len(result.failed)},
                messages.WARNING,
            )
        return asked - done

    def get_fieldsets(self, request, obj=None):
        # Only these fields exist on the page: fields left to the model form
        # would be shown (read-only) whatever the role.
        fieldsets = [(None, {"fields": self.fields})]
        if self.shows_technical(request):
            fieldsets.append((_("Message"), {"fields": self.message_fields}))
            fieldsets.append(
                (
                    _("Technical details"),
                    {"fields": self.technical_fields, "classes": ["collapse"]},
                )
            )
        return fieldsets

    @admin.display(description=_("language"), ordering="language")
    def language_display(self, obj):
        return dict(settings.LANGUAGES).get(obj.language, obj.language)

    @admin.display(description=_("credential link"))
    def link_display(self, obj):
        return json_block(obj.link)

    @admin.display(description=_("headers"))
    def headers_display(self, obj):
        return json_block(obj.headers)

    @admin.display(description=_("attachments"))
    def attachment_names(self, obj):
        return ", ".join(item["filename"] for item in obj.attachments) or "—"


class BulkEmailForm(forms.ModelForm):
    """The bulk email with its audience's details as real fields (for one event's
    attendees: the event), from what each audience registered."""

    class Meta:
        model = BulkEmail
        fields = ["audience", "subject_en", "body_en", "subject_es", "body_es"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params_fields = audience_params_fields()
        stored = self.instance.audience_params or {}
        for name, (_key, field) in self.params_fields.items():
            field.required = False
            self.fields[name] = field
            if name in stored:
                self.initial.setdefault(name, stored[name])

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        params = {}
        for name, (key, _field) in self.params_fields.items():
            if key != audience:
                continue
            value = data.get(name)
            if value in (None, ""):
                self.add_error(name, _("This field is required."))
                continue
            params[name] = str(getattr(value, "pk", value))
        self.instance.audience_params = params
        return data


@admin.register(BulkEmail)
class BulkEmailAdmin(admin.ModelAdmin):
    form = BulkEmailForm
    list_display = [
        "__str__",
        "audience",
        "audience_details",
        "status_badge",
        "created_by",
        "created_at",
        "progress",
    ]
    list_filter = ["status", "audience"]
    search_fields = ["subject_en", "subject_es"]
    autocomplete_fields = []
    actions = ["send_selected"]
    fieldsets = [
        (None, {"fields": ["audience"]}),
        (_("English"), {"fields": ["subject_en", "body_en"]}),
        (_("Spanish"), {"fields": ["subject_es", "body_es"]}),
        (
            _("Sending"),
            {
                "fields": [
                    "status_badge",
                    "created_by",
                    "created_at",
                    "sent_at",
                    "progress",
                    "preview_links",
                ]
            },
        ),
    ]
    status_badge = status_column(BULK_STATUS_TONES)
    base_readonly = [
        "status_badge",
        "created_by",
        "created_at",
        "sent_at",
        "progress",
        "preview_links",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("created_by")
            .annotate(
                logs_total=Count("logs"),
                logs_sent=Count("logs", filter=Q(logs__status=EmailStatus.SENT)),
                logs_failed=Count("logs", filter=Q(logs__status=EmailStatus.FAILED)),
            )
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = [list(fs) for fs in super().get_fieldsets(request, obj)]
        if obj is not None and obj.status != BulkStatus.DRAFT:
            extra = ["audience_details"]
        else:
            extra = list(audience_params_fields())
        first = dict(fieldsets[0][1])
        first["fields"] = [*first["fields"], *extra]
        fieldsets[0] = (fieldsets[0][0], first)
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The audiences' own fields are added by BulkEmailForm, not by the model.
        params = audience_params_fields()
        kwargs["fields"] = [
            name
            for name in flatten_fieldsets(self.get_fieldsets(request, obj))
            if name not in params and name not in self.get_readonly_fields(request, obj)
        ]
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("audience details"))
    def audience_details(self, obj):
        return (
            audience_describe(key=obj.audience, params=obj.audience_params or {}) or "—"
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != BulkStatus.DRAFT:
            # What was sent stays as sent.
            return [
                *(
                    f.name
                    for f in BulkEmail._meta.fields
                    if f.name != "audience_params"
                ),
                *self.base_readonly,
                "audience_details",
            ]
        return self.base_readonly

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if obj.pk is None or obj.status == BulkStatus.DRAFT:
            return "—"
        total = getattr(obj, "logs_total", None)
        if total is None:
            total = obj.logs.count()
            sent = obj.logs.filter(status=EmailStatus.SENT).count()
            failed = obj.logs.filter(status=EmailStatus.FAILED).count()
        else:
            sent, failed = obj.logs_sent, obj.logs_failed
        url = reverse("admin:emails_emaillog_changelist") + f"?bulk__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">{}</a>',
            url,
            _("%(sent)s sent, %(failed)s failed, %(queued)s queued of %(total)s")
            % {
                "sent": sent,
                "failed": failed,
                "queued": total - sent - failed,
                "total": total,
            },
        )

    @admin.display(description=_("preview"))
    def preview_links(self, obj):
        if obj.pk is None:
            return _("Save the draft to preview it.")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:emails_bulkemail_preview", args=[obj.pk, "en"]),
            _("Preview in English"),
            reverse("admin:emails_bulkemail_preview", args=[obj.pk, "es"]),
            _("Preview in Spanish"),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/<str:language>/",
                wrap(self.preview_view),
                name="emails_bulkemail_preview",
            ),
            path(
                "<int:pk>/preview/<str:language>/html/",
                wrap(self.preview_html_view),
                name="emails_bulkemail_preview_html",
            ),
            path("<int:pk>/send/", wrap(self.send_view), name="emails_bulkemail_send"),
            path(
                "<int:pk>/test/",
                wrap(self.send_test_view),
                name="emails_bulkemail_send_test",
            ),
            *super().get_urls(),
        ]

    def _get(self, request, pk):
        bulk = get_object_or_404(BulkEmail, pk=pk)
        if not self.has_view_permission(request, bulk):
            raise PermissionDenied
        return bulk

    def preview_view(self, request, pk, language):
        bulk = self._get(request, pk)
        preview = bulk_email_preview(bulk=bulk, language=language, user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": bulk,
            "title": _("Preview: %(subject)s") % {"subject": preview["subject"]},
            "preview": preview,
            "language_name": dict(settings.LANGUAGES).get(
                preview["language"], preview["language"]
            ),
            "recipient_count": sum(1 for _ in bulk_email_recipients(bulk=bulk)),
            "can_send": bulk.status == BulkStatus.DRAFT
            and self.has_change_permission(request, bulk),
            "can_send_test": self.has_change_permission(request, bulk)
            and bool(request.user.email)
            and preview["language"] in bulk_email_languages(bulk=bulk),
            "html_url": reverse(
                "admin:emails_bulkemail_preview_html", args=[bulk.pk, language]
            ),
        }
        return TemplateResponse(request, "admin/emails/bulkemail/preview.html", context)

    # The email's HTML uses inline styles, as email must; shown alone, never framed.
    @csp_override(
        {
            "default-src": [CSP.NONE],
            "style-src": [CSP.UNSAFE_INLINE],
            "img-src": [CSP.SELF, "data:"],
            "frame-ancestors": [CSP.NONE],
        }
    )
    def preview_html_view(self, request, pk, language):
        bulk = self._get(request, pk)
        preview = bulk_email_preview(bulk=bulk, language=language, user=request.user)
        return HttpResponse(preview["html"])

    def send_test_view(self, request, pk):
        """POST: the test of one version (`language`) goes to the signed-in
        organizer's own address; no address is ever taken from the request."""
        if request.method != "POST":
            return redirect("admin:emails_bulkemail_change", pk)
        bulk = self._get(request, pk)
        if not self.has_change_permission(request, bulk):
            raise PermissionDenied
        language = request.POST.get("language", "")
        if language not in dict(settings.LANGUAGES):
            language = ""
        self._send_test(request, bulk, language=language)
        if language and request.POST.get("back") == "preview":
            return redirect("admin:emails_bulkemail_preview", pk, language)
        return redirect("admin:emails_bulkemail_change", pk)

    def _send_test(self, request, bulk, *, language: str = "") -> bool:
        try:
            logs = bulk_email_send_test(
                bulk=bulk, actor=request.user, language=language
            )
        except (ConflictError, ValidationError) as error:
            text = getattr(error, "message", None) or "; ".join(error.messages)
            self.message_user(request, text, messages.ERROR)
            return False
        names = dict(settings.LANGUAGES)
        self.message_user(
            request,
            _(
                "A test is on its way to %(email)s (%(languages)s). Nobody else "
                "gets it, and it does not count as sent."
            )
            % {
                "email": request.user.email,
                "languages": ", ".join(str(names[log.language]) for log in logs),
            },
            messages.SUCCESS,
        )
        return True

    def render_change_form(self, request, context, add=False, change=False, **kw):
        obj = context.get("original")
        may_write = (
            self.has_add_permission(request)
            if obj is None
            else self.has_change_permission(request, obj)
        )
        context["can_send_test"] = (
            may_write
            and bool(request.user.email)
            and (obj is None or obj.status == BulkStatus.DRAFT)
        )
        return super().render_change_form(request, context, add, change, **kw)

    def response_add(self, request, obj, post_url_continue=None):
        if "_sendtest" in request.POST:
            self.message_user(request, _("The draft is saved."), messages.SUCCESS)
            self._send_test(request, obj)
            return redirect("admin:emails_bulkemail_change", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_sendtest" in request.POST:
            self.message_user(request, _("The draft is saved."), messages.SUCCESS)
            self._send_test(request, obj)
            return redirect("admin:emails_bulkemail_change", obj.pk)
        return super().response_change(request, obj)

    def send_view(self, request, pk):
        if request.method != "POST":
            return redirect("admin:emails_bulkemail_change", pk)
        bulk = self._get(request, pk)
        if not self.has_change_permission(request, bulk):
            raise PermissionDenied
        self._send(request, bulk)
        return redirect("admin:emails_bulkemail_change", pk)

    def _send(self, request, bulk) -> bool:
        try:
            bulk_email_send(bulk=bulk, actor=request.user)
        except (ConflictError, ValidationError) as error:
            text = getattr(error, "message", None) or "; ".join(error.messages)
            self.message_user(request, f"{bulk}: {text}", messages.ERROR)
            return False
        self.message_user(
            request,
            _("“%(bulk)s” is being sent. Progress shows below.") % {"bulk": bulk},
            messages.SUCCESS,
        )
        return True

    @admin.action(description=_("Send the selected drafts"), permissions=["change"])
    def send_selected(self, request, queryset):
        for bulk in queryset.filter(status=BulkStatus.DRAFT):
            self._send(request, bulk)
