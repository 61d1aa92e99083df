"""Django Admin for weekly series: sessions inline, generate, skip a date, apply to
all future sessions. Every action calls events' series services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events import services as series_services
from events.admin_lists import EVENT_STATUS_TONES, upcoming_first
from events.extensions import SEATS_HELD, annotate_events, annotated_value
from events.models import Event, EventSeries
from spanglish.admin import status_column


class SessionInline(admin.TabularInline):
    model = Event
    fk_name = "series"
    verbose_name = _("session")
    verbose_name_plural = _("sessions (upcoming first)")
    fields = ["occurrence_date", "starts_at", "status_badge", "is_detached", "seats"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    status_badge = status_column(EVENT_STATUS_TONES)

    def get_ordering(self, request):
        return upcoming_first()

    def get_queryset(self, request):
        return annotate_events(super().get_queryset(request))

    @admin.display(description=_("seats held / capacity"))
    def seats(self, obj):
        return f"{annotated_value(obj, SEATS_HELD)} / {obj.capacity}"


class SkipDateForm(forms.Form):
    date = forms.DateField(
        label=_("Date to skip"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ApplyFromForm(forms.Form):
    from_date = forms.DateField(
        label=_("Apply from"),
        required=False,
        help_text=_("Leave empty for today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "frequency",
        "start_date",
        "start_time",
        "time_zone",
        "until",
        "count",
        "session_status",
    ]
    list_filter = ["frequency", "session_status"]
    search_fields = ["title_es", "title_en", "slug", "venue_name", "public_id"]
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ["public_id", "skipped_dates", "sequence", "updated_at"]
    inlines = [SessionInline]
    actions = ["generate_sessions", "skip_date", "apply_to_future_sessions"]
    fieldsets = [
        (None, {"fields": ["slug", "session_status", "public_id"]}),
        (
            _("Text"),
            {"fields": ["title_es", "title_en", "description_es", "description_en"]},
        ),
        (
            _("Repeats"),
            {
                "fields": [
                    "frequency",
                    "start_date",
                    "start_time",
                    "duration",
                    "time_zone",
                    "until",
                    "count",
                    "skipped_dates",
                ],
                "description": _(
                    "Saving changes here applies them to every future session "
                    "not edited on its own."
                ),
            },
        ),
        (_("Where"), {"fields": ["venue_name", "venue_address", "map_url"]}),
        (_("Seats and price"), {"fields": ["capacity", "price", "currency"]}),
        (_("Record"), {"fields": ["sequence", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        if change:
            fields = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in series_services.SERIES_FIELDS
            }
            series_services.series_update_future(
                series=obj, actor=request.user, **fields
            )
        else:
            created = series_services.series_create(
                actor=request.user, **form.cleaned_data
            )
            obj.pk = created.pk

    def _with_form(self, request, queryset, form_class, action, title):
        """Bind the action's small form, or render it (Django's intermediate page)."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            return form.cleaned_data
        return TemplateResponse(
            request,
            "admin/events/eventseries/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "queryset": queryset,
                "action": action,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("Generate sessions"), permissions=["change"])
    def generate_sessions(self, request, queryset):
        n = 0
        for series in queryset:
            n += len(series_services.series_generate_sessions(series=series))
        self.message_user(
            request,
            ngettext("%d session generated.", "%d sessions generated.", n) % n,
            messages.SUCCESS,
        )

    @admin.action(description=_("Skip a date"), permissions=["change"])
    def skip_date(self, request, queryset):
        data = self._with_form(
            request, queryset, SkipDateForm, "skip_date", _("Skip a date")
        )
        if not isinstance(data, dict):
            return data
        for series in queryset:
            try:
                session = series_services.session_skip(
                    series=series, day=data["date"], actor=request.user
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{series}: {' '.join(error.messages)}", messages.ERROR
                )
                continue
            if session is not None:
                text = _("%(series)s: the session has tickets, so it was cancelled.")
            else:
                text = _("%(series)s: date skipped.")
            self.message_user(request, text % {"series": series}, messages.SUCCESS)
        return None

    @admin.action(description=_("Apply to all future sessions"), permissions=["change"])
    def apply_to_future_sessions(self, request, queryset):
        data = self._with_form(
            request,
            queryset,
            ApplyFromForm,
            "apply_to_future_sessions",
            _("Apply the series to all future sessions"),
        )
        if not isinstance(data, dict):
            return data
        for series in queryset:
            result = series_services.series_update_future(
                series=series,
                from_date=data["from_date"],
                actor=request.user,
            )
            self.message_user(
                request,
                _(
                    "%(series)s: %(updated)d updated, %(created)d created, "
                    "%(removed)d removed."
                )
                % {
                    "series": series,
                    "updated": len(result.updated),
                    "created": len(result.created),
                    "removed": len(result.removed),
                },
                messages.SUCCESS,
            )
        return None
