from django import forms
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
from django.views.decorators.csp import csp_override

from emails.audiences import audience_describe, audience_params_fields
from emails.bulk import bulk_email_preview, bulk_email_recipients, bulk_email_send
from emails.models import BulkEmail, BulkStatus, EmailLog, EmailStatus
from spanglish.admin import ReadOnlyAdmin
from spanglish.errors import ConflictError


@admin.register(EmailLog)
class EmailLogAdmin(ReadOnlyAdmin):
    """Read-only: the log records what happened; nobody edits history.

    What a message said (bodies, headers, attachments) is for admins only: an
    organizer sees who was sent what and whether it went out. Credential links are
    never stored at all (emails.links), whoever looks.
    """

    list_display = [
        "created_at",
        "to_email",
        "subject",
        "template",
        "language",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = [
        "status",
        "template",
        "language",
        # "event:<id>": what the sending app said the email is about.
        "topic",
        ("bulk", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["to_email", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    exclude = ["attachments", "body_html"]
    readonly_fields = [
        "user",
        "to_email",
        "template",
        "language",
        "subject",
        "status",
        "attempts",
        "error",
        "topic",
        "bulk",
        "created_at",
        "sent_at",
        "link",
        "headers",
        "attachment_names",
        "body_text",
    ]
    admin_only_fields = ("headers", "attachment_names", "body_text")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return list(self.readonly_fields)
        return [f for f in self.readonly_fields if f not in self.admin_only_fields]

    def get_fields(self, request, obj=None):
        # Only what get_readonly_fields allows: fields left to the model form would
        # be shown (read-only) whatever the role.
        return self.get_readonly_fields(request, obj)

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
        "status",
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
                    "status",
                    "created_by",
                    "created_at",
                    "sent_at",
                    "progress",
                    "preview_links",
                ]
            },
        ),
    ]
    base_readonly = [
        "status",
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
            "recipient_count": sum(1 for _ in bulk_email_recipients(bulk=bulk)),
            "can_send": bulk.status == BulkStatus.DRAFT
            and self.has_change_permission(request, bulk),
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
