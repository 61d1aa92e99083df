"""Admin pieces the apps share, and the admin site itself."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import translation

from community.forms import EmailAuthenticationForm
from community.ratelimit import rate_limit_exceeded
from community.services import user_resend_verification
from community.two_factor import session_owes


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


class SpanglishAdminSite(admin.AdminSite):
    """Django Admin, open only to staff whose session owes no two-factor step.

    The two-factor middleware already turns such sessions away before any view;
    this is admin's own check, so it never opens on a password alone. Its login
    form refuses accounts whose address is unproven (AdminLoginForm).
    """

    login_form = AdminLoginForm

    def has_permission(self, request):
        return super().has_permission(request) and session_owes(request) is None


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services (logs, audit, cash-ups): admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
