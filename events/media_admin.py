"""The media admin with what events adds: which event an image belongs to, and
uploading straight into an event's gallery or as its banner.

Media's own admin (media/admin.py) knows no event; events replaces its
registration with this subclass, so the page and its URL stay the same. Uploads and
deletes go through events' image services (banner set or detached, audited).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventImage
from events.services import event_image_create, event_image_delete
from media.admin import MediaAdmin, MediaUploadForm
from media.models import Media, MediaRole


class EventMediaUploadForm(MediaUploadForm):
    event = forms.ModelChoiceField(
        Event.objects.all(),
        label=_("event"),
        required=False,
        widget=ForeignKeyRawIdWidget(
            EventImage._meta.get_field("event").remote_field, admin.site
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("role") and not data.get("event"):
            raise ValidationError(
                {"event": _("A banner or gallery photo needs an event.")}
            )
        return data


admin.site.unregister(Media)


@admin.register(Media)
class EventMediaAdmin(MediaAdmin):
    add_form = EventMediaUploadForm
    add_form_fields = ["event", *MediaAdmin.add_form_fields]
    list_display = [*MediaAdmin.list_display[:2], "event", *MediaAdmin.list_display[2:]]
    list_select_related = ["event_image__event"]
    search_fields = [*MediaAdmin.search_fields, "event_image__event__title_es"]
    readonly_fields = [
        *MediaAdmin.readonly_fields[:5],
        "event",
        *MediaAdmin.readonly_fields[5:],
    ]

    @admin.display(description=_("event"))
    def event(self, obj):
        link = getattr(obj, "event_image", None)
        return link.event if link else None

    def media_create(self, request, form) -> Media:
        data = form.cleaned_data
        return event_image_create(
            image=form.clean_image,
            event=data.get("event"),
            role=data.get("role") or (MediaRole.GALLERY if data.get("event") else ""),
            alt_es=data.get("alt_es", ""),
            alt_en=data.get("alt_en", ""),
            uploaded_by=request.user,
        )

    def media_delete(self, request, media: Media) -> None:
        event_image_delete(media=media, actor=request.user)
