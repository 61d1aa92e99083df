"""The admin site: Django Admin, behind the site's login rules and two-factor step.

spanglish/apps.py (SpanglishAdminConfig.default_site) names this class by its dotted
path, so the core never imports community.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import translation

from community.forms import EmailAuthenticationForm
from community.ratelimit import rate_limit_exceeded
from community.services import user_resend_verification
from community.signals import audit_log_entry_record
from community.two_factor import session_owes
from spanglish.admin import ReadableDeletions


class AdminLoginForm(AdminAuthenticationForm):
    """Admin's password form refuses what the site's refuses: an account whose
    address was never proven (anyone may have registered it with a password of
    their own before staff promoted it), with the site's message and a new link."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)  # active, and staff
        if user.email_verified_at is None:
            if not rate_limit_exceeded(request=self.request, scope="verify"):
                user_resend_verification(user=user, language=translation.get_language())
            raise ValidationError(
                EmailAuthenticationForm.error_messages["email_unverified"],
                code="email_unverified",
            )


class AuditedDeletions:
    """Copies the LogEntries of a bulk deletion into the audit trail.

    Django's "delete selected" logs them with one bulk_create, which sends no
    post_save; ModelAdmin.log_deletions is the documented hook where they appear.
    One entry is saved alone (post_save copies it: community.signals)."""

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        if isinstance(entries, list) and len(entries) > 1:
            for entry in entries:
                audit_log_entry_record(entry)
        return entries


class SpanglishAdminSite(admin.AdminSite):
    """Django Admin, open only to staff whose session owes no two-factor step.

    The two-factor middleware already turns such sessions away before any view;
    this is admin's own check, so it never opens on a password alone. Its login
    form refuses accounts whose address is unproven (AdminLoginForm). Bulk
    deletions in any registered admin are audited (AuditedDeletions).
    """

    login_form = AdminLoginForm
    # The project's name reads the same in both languages.
    site_header = "Spanglish"
    site_title = "Spanglish"

    def has_permission(self, request):
        return super().has_permission(request) and session_owes(request) is None

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every model admin, ours and third-party apps' alike, audits bulk
        # deletions: each registered class gets AuditedDeletions mixed in (and
        # ReadableDeletions: no untranslatable join-table rows when deleting).
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedDeletions):
            admin_class = type(
                admin_class.__name__,
                (AuditedDeletions, ReadableDeletions, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)
