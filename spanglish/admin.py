"""Admin pieces the apps share, and the admin site itself."""

from django.contrib import admin

from community.two_factor import session_owes


class SpanglishAdminSite(admin.AdminSite):
    """Django Admin, open only to staff whose session owes no two-factor step.

    The two-factor middleware already turns such sessions away before any view;
    this is admin's own check, so it never opens on a password alone.
    """

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
