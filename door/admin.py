from django.contrib import admin

from door.models import CashCount, CashUp, OfflineCheckin
from spanglish.admin import ReadOnlyAdmin


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
