from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from calendars import services
from calendars.charts import timeline_svg
from calendars.embed import iframe_html
from calendars.models import (
    CalendarFeedToken,
    Click,
    ClickType,
    EventWidgetSettings,
    WidgetSettings,
)
from calendars.selectors import event_click_stats
from events.admin import event_admin_extend
from spanglish.admin import TechnicalDetailsMixin


@admin.display(description=_("embed code and clicks"))
def event_widget_panel(event) -> str:
    """Read-only field of the event admin: the <iframe> snippet with a copy button
    and a server-drawn SVG chart of clicks per day."""
    if event is None or event.pk is None:
        return "—"
    stats = event_click_stats(event=event)
    return render_to_string(
        "calendars/admin_event_panel.html",
        {
            "event": event,
            "iframe_html": iframe_html(event),
            "stats": stats,
            # Each kind of click by its label ("Google Calendar"), not its code.
            "clicks_by_label": [
                (ClickType(kind).label, count)
                for kind, count in stats["clicks_by_type"].items()
            ],
            "chart": timeline_svg(stats["clicks_timeline"]),
        },
    )


# Seam (events.admin): the panel gets its own fieldset on the event admin page.
event_admin_extend(panels=[(_("Widget and calendar clicks"), event_widget_panel)])


@admin.register(WidgetSettings)
class WidgetSettingsAdmin(admin.ModelAdmin):
    """The single row of site-wide widget defaults."""

    list_display = ["__str__", "language", "accent_color", "updated_at"]

    def has_add_permission(self, request):
        return (
            super().has_add_permission(request) and not WidgetSettings.objects.exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.widget_settings_update(actor=request.user, **form.cleaned_data)
        obj.pk = saved.pk


@admin.register(EventWidgetSettings)
class EventWidgetSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "language", "accent_color", "updated_at"]
    raw_id_fields = ["event"]
    search_fields = ["event__title_es", "event__title_en", "event__public_id"]

    def save_model(self, request, obj, form, change):
        fields = dict(form.cleaned_data)
        saved = services.event_widget_settings_update(
            event=fields.pop("event"), actor=request.user, **fields
        )
        obj.pk = saved.pk


@admin.register(Click)
class ClickAdmin(TechnicalDetailsMixin, admin.ModelAdmin):
    list_display = ["event", "type", "created_at"]
    list_filter = ["type", "created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["event"]
    fields = ["event", "type", "created_at"]
    technical_fields = ["visitor"]
    readonly_fields = [*fields, *technical_fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    """Admins may revoke (delete) a member's feed; the secret itself is not shown."""

    list_display = ["user", "created_at", "rotated_at", "last_used_at"]
    fields = ["user", "created_at", "rotated_at", "last_used_at"]
    readonly_fields = fields
    search_fields = ["user__email"]

    def has_add_permission(self, request):
        return False
