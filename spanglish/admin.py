"""Admin pieces the apps share. The admin site itself (with the two-factor check)
is community's: community/admin_site.py, named by spanglish/apps.py."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services (logs, audit, cash-ups): admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
