from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from calendars.admin import event_widget_panel
from events import services
from events.models import Event
from events.series import session_update_one as series_session_update_one
from tickets.admin import TicketInline, export_attendees_csv, export_attendees_xlsx
from tickets.selectors import event_balance, with_seats_held, with_side_counts


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "starts_at",
        "venue_name",
        "price",
        "currency",
        "status",
        "capacity",
        "seats_held",
        "seats_left_display",
        "language_balance",
    ]
    list_filter = ["status", "starts_at", "currency"]
    search_fields = ["title_es", "title_en", "slug", "venue_name", "public_id"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = [
        "id",
        "public_id",
        "sequence",
        "created_at",
        "updated_at",
        event_widget_panel,
        "language_balance_panel",
    ]
    raw_id_fields = ["banner"]
    actions = [
        "publish_events",
        "cancel_events",
        export_attendees_csv,
        export_attendees_xlsx,
    ]
    inlines = [TicketInline]
    change_form_template = "tickets/admin/event_change_form.html"
    fieldsets = [
        (None, {"fields": ["slug", "status", "public_id"]}),
        (
            _("Text"),
            {"fields": ["title_es", "title_en", "description_es", "description_en"]},
        ),
        (
            _("When and where"),
            {
                "fields": [
                    "starts_at",
                    "ends_at",
                    "venue_name",
                    "venue_address",
                    "map_url",
                ]
            },
        ),
        (_("Seats and price"), {"fields": ["capacity", "price", "currency"]}),
        (
            _("Language balance"),
            {
                "fields": [
                    "seats_es_native",
                    "seats_en_native",
                    "language_balance_panel",
                ],
                "description": _(
                    "Split the capacity between native Spanish and native English "
                    "speakers; what is left of the capacity is a flexible share "
                    "either side may use. Leave both at 0 for no split."
                ),
            },
        ),
        (_("Images"), {"fields": ["banner"]}),
        (_("Widget and calendar clicks"), {"fields": [event_widget_panel]}),
        (
            _("Record"),
            {
                "fields": ["id", "sequence", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request):
        return with_side_counts(with_seats_held(super().get_queryset(request)))

    @admin.display(description=_("seats held"), ordering="seats_held_count")
    def seats_held(self, obj):
        return obj.seats_held_count

    @admin.display(description=_("seats left"))
    def seats_left_display(self, obj):
        return obj.seats_left

    @admin.display(description=_("ES / EN (held of kept)"))
    def language_balance(self, obj):
        if not obj.is_language_split:
            return "—"
        return (
            f"ES {obj.held_es}/{obj.seats_es_native} · "
            f"EN {obj.held_en}/{obj.seats_en_native} · "
            f"+{obj.seats_flexible}"
        )

    @admin.display(description=_("balance now"))
    def language_balance_panel(self, obj):
        if obj is None or not obj.pk or not obj.is_language_split:
            return _("Not split by language.")
        balance = event_balance(event=obj)
        parts = [
            _("%(label)s: %(held)s held (%(checked_in)s checked in), %(left)s left")
            % side
            for side in balance["sides"]
        ]
        flex = balance["flexible"]
        parts.append(_("Flexible: %(used)s of %(capacity)s used") % flex)
        return " · ".join(str(p) for p in parts)

    def save_model(self, request, obj, form, change):
        if change:
            fields = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in form.cleaned_data
            }
            # A series session edited here is edited on its own (detached).
            update = (
                series_session_update_one if obj.series_id else services.event_update
            )
            update(event=obj, actor=request.user, request=request, **fields)
        else:
            fields = {f: form.cleaned_data[f] for f in form.cleaned_data}
            created = services.event_create(
                actor=request.user, request=request, **fields
            )
            obj.pk = created.pk

    @admin.action(description=_("Publish selected events"), permissions=["change"])
    def publish_events(self, request, queryset):
        for event in queryset:
            services.event_publish(event=event, actor=request.user, request=request)
        n = queryset.count()
        self.message_user(
            request,
            ngettext("%d event published.", "%d events published.", n) % n,
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel selected events"), permissions=["change"])
    def cancel_events(self, request, queryset):
        for event in queryset:
            services.event_cancel(event=event, actor=request.user, request=request)
        n = queryset.count()
        self.message_user(
            request,
            ngettext("%d event cancelled.", "%d events cancelled.", n) % n,
            messages.SUCCESS,
        )


# EventSeries admin (weekly series) lives in its own module.
from events import series_admin  # noqa: E402, F401
