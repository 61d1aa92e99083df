from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from door.models import CashCount, CashUp, OfflineCheckin
from spanglish.admin import ReadOnlyAdmin
from spanglish.currency import format_money


@admin.register(CashUp)
class CashUpAdmin(ReadOnlyAdmin):
    list_display = (
        "event",
        "expected_display",
        "counted_display",
        "difference_display",
        "closed_by",
        "closed_at",
    )
    list_select_related = ("event", "closed_by")

    @admin.display(description=_("expected cash"), ordering="expected")
    def expected_display(self, obj):
        return format_money(obj.expected, obj.currency)

    @admin.display(description=_("counted cash"), ordering="counted")
    def counted_display(self, obj):
        return format_money(obj.counted, obj.currency)

    @admin.display(description=_("difference (counted − expected)"))
    def difference_display(self, obj):
        return format_money(obj.difference, obj.currency)


@admin.register(CashCount)
class CashCountAdmin(ReadOnlyAdmin):
    list_display = ("event", "volunteer", "counted_display", "updated_at")
    list_select_related = ("event", "volunteer")

    @admin.display(description=_("counted"), ordering="counted")
    def counted_display(self, obj):
        return format_money(obj.counted, obj.event.currency)


@admin.register(OfflineCheckin)
class OfflineCheckinAdmin(ReadOnlyAdmin):
    list_display = ("code", "event", "outcome", "checked_in_at", "device_id", "actor")
    list_filter = ("outcome",)
    list_select_related = ("event", "actor")
