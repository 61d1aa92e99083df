"""Django Admin for events. Every write calls events' services.

Seam: apps above events add what they show on the event page through
`event_admin_extend()`, called from their own admin module (calendars: the widget
panel; tickets: the ticket inline, attendee export, language balance). Events
imports none of them.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events import services
from events.admin_lists import (
    EVENT_STATUS_TONES,
    WhenFilter,
    event_period,
    upcoming_first,
)
from events.extensions import SEATS_HELD, annotate_events, annotated_value
from events.models import Event
from spanglish.admin import status_column
from spanglish.currency import format_money
from spanglish.errors import error_text


class DuplicateEventForm(forms.Form):
    date = forms.DateField(
        label=_("New date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label=_("Start time"),
        help_text=_("Local time. The copy lasts as long as the original."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def starts_at(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["date"], data["time"]))


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "starts_at",
        "venue_name",
        "price_display",
        "status_badge",
        "capacity",
        "seats_held",
        "seats_left_display",
    ]
    list_filter = [WhenFilter, "status", "series", "currency"]
    search_fields = ["title_es", "title_en", "slug", "venue_name", "public_id"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = [
        "id",
        "public_id",
        "sequence",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["banner"]
    actions = ["publish_events", "cancel_events", "duplicate_events"]
    inlines = []
    # Applied to the admin's queryset after the registered annotations.
    queryset_extensions: list[Callable] = []
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
                "fields": ["seats_es_native", "seats_en_native"],
                "description": _(
                    "Split the capacity between native Spanish and native English "
                    "speakers; what is left of the capacity is a flexible share "
                    "either side may use. Leave both at 0 for no split."
                ),
            },
        ),
        (_("Images"), {"fields": ["banner"]}),
        (
            _("Record"),
            {
                "fields": ["id", "sequence", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    status_badge = status_column(EVENT_STATUS_TONES)

    def get_queryset(self, request):
        queryset = annotate_events(super().get_queryset(request))
        for extend in self.queryset_extensions:
            queryset = extend(queryset)
        return queryset

    def get_ordering(self, request):
        period = event_period(request)
        if period == "upcoming":
            return ["starts_at"]
        if period == "past":
            return ["-starts_at"]
        return upcoming_first()

    @admin.display(description=_("seats held"), ordering=SEATS_HELD)
    def seats_held(self, obj):
        return annotated_value(obj, SEATS_HELD)

    @admin.display(description=_("seats left"))
    def seats_left_display(self, obj):
        return obj.seats_left

    @admin.display(description=_("price"), ordering="price")
    def price_display(self, obj):
        return format_money(obj.price, obj.currency)

    def save_model(self, request, obj, form, change):
        if change:
            fields = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in form.cleaned_data
            }
            # A series session edited here is edited on its own (detached).
            update = (
                services.session_update_one if obj.series_id else services.event_update
            )
            update(event=obj, actor=request.user, **fields)
        else:
            fields = {f: form.cleaned_data[f] for f in form.cleaned_data}
            created = services.event_create(actor=request.user, **fields)
            obj.pk = created.pk

    @admin.action(description=_("Publish selected events"), permissions=["change"])
    def publish_events(self, request, queryset):
        for event in queryset:
            services.event_publish(event=event, actor=request.user)
        n = queryset.count()
        self.message_user(
            request,
            ngettext("%d event published.", "%d events published.", n) % n,
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel selected events"), permissions=["change"])
    def cancel_events(self, request, queryset):
        for event in queryset:
            services.event_cancel(event=event, actor=request.user)
        n = queryset.count()
        self.message_user(
            request,
            ngettext("%d event cancelled.", "%d events cancelled.", n) % n,
            messages.SUCCESS,
        )

    @admin.action(description=_("Duplicate event"), permissions=["add"])
    def duplicate_events(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one event to duplicate."), messages.WARNING
            )
            return None
        return redirect("admin:events_event_duplicate", queryset.get().pk)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/duplicate/",
                self.admin_site.admin_view(self.duplicate_view),
                name="events_event_duplicate",
            ),
            *super().get_urls(),
        ]

    def duplicate_view(self, request, object_id):
        """Ask for the new start, then copy the event as a draft
        (services.event_duplicate) and open the copy."""
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404(_("No such event."))
        if not (
            self.has_add_permission(request)
            and self.has_view_permission(request, event)
        ):
            raise PermissionDenied
        start = timezone.localtime(event.starts_at) + timedelta(days=7)
        form = DuplicateEventForm(
            request.POST if request.method == "POST" else None,
            initial={"date": start.date(), "time": start.time().replace(second=0)},
        )
        if form.is_valid():
            try:
                copy = services.event_duplicate(
                    event=event, starts_at=form.starts_at(), actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error_text(error))
            else:
                self.message_user(
                    request,
                    _("Copied as a draft: check it, then publish it."),
                    messages.SUCCESS,
                )
                return redirect("admin:events_event_change", copy.pk)
        return TemplateResponse(
            request,
            "admin/events/event/duplicate.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Duplicate event"),
                "subtitle": str(event),
                "opts": self.model._meta,
                "original": event,
                "form": form,
                "change_url": reverse("admin:events_event_change", args=[event.pk]),
            },
        )


# The section key an app names to put its panel into an existing fieldset.
SECTIONS = {"language_balance": 4}


def event_admin_extend(
    *,
    inlines: Iterable = (),
    actions: Iterable = (),
    list_display: Iterable = (),
    panels: Iterable[tuple] = (),
    queryset: Callable | None = None,
    change_form_template: str | None = None,
) -> None:
    """What an app above events adds to the event admin, from its admin module.

    `panels`: (section, callable) pairs of read-only fields; `section` is a key of
    SECTIONS (the panel joins that fieldset) or a title (a new fieldset before
    "Record"). `queryset(qs) -> qs` runs on the admin's list and pages only.
    """
    EventAdmin.inlines = [*EventAdmin.inlines, *inlines]
    EventAdmin.actions = [*EventAdmin.actions, *actions]
    EventAdmin.list_display = [*EventAdmin.list_display, *list_display]
    fieldsets = [(title, dict(options)) for title, options in EventAdmin.fieldsets]
    for section, panel in panels:
        EventAdmin.readonly_fields = [*EventAdmin.readonly_fields, panel]
        if section in SECTIONS:
            options = fieldsets[SECTIONS[section]][1]
            options["fields"] = [*options["fields"], panel]
        else:
            fieldsets.insert(len(fieldsets) - 1, (section, {"fields": [panel]}))
    EventAdmin.fieldsets = fieldsets
    if queryset is not None:
        EventAdmin.queryset_extensions = [*EventAdmin.queryset_extensions, queryset]
    if change_form_template:
        EventAdmin.change_form_template = change_form_template


# The series admin and events' additions to the media admin live in their own modules.
from events import media_admin, series_admin  # noqa: E402, F401
