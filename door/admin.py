from django.contrib import admin

from door.models import CashCount, CashUp, OfflineCheckin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Door records are written by the door services only; admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CashUp)
class CashUpAdmin(ReadOnlyAdmin):
    list_display = (
        "event",
        "expected",
        "counted",
        "difference",
        "closed_by",
        "closed_at",
    )
    list_select_related = ("event", "closed_by")


@admin.register(CashCount)
class CashCountAdmin(ReadOnlyAdmin):
    list_display = ("event", "volunteer", "counted", "updated_at")
    list_select_related = ("event", "volunteer")


@admin.register(OfflineCheckin)
class OfflineCheckinAdmin(ReadOnlyAdmin):
    list_display = ("code", "event", "outcome", "checked_in_at", "device_id", "actor")
    list_filter = ("outcome",)
    list_select_related = ("event", "actor")
