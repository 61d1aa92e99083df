from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from media import services
from media.models import Media, MediaRole

ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


def _thumb(media: Media, box: int) -> str:
    """An <img> scaled into a box, with width/height so the list does not jump."""
    if not media.width or not media.height:
        return "—"
    jpegs = media.variants_of("jpeg")
    src = jpegs[0]["url"] if jpegs else media.url
    scale = min(box / media.width, box / media.height, 1)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy" '
        'class="media-admin-thumb">',
        src,
        max(1, round(media.width * scale)),
        max(1, round(media.height * scale)),
        media.alt,
    )


class MediaUploadForm(forms.ModelForm):
    """Add form: the file is validated and re-encoded by the same code as the API."""

    upload = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG, PNG, WebP or GIF. Location and camera data are removed."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ACCEPT, "data-media-preview": "1"}
        ),
    )

    class Meta:
        model = Media
        fields = ["event", "role", "alt_es", "alt_en"]

    def clean_upload(self):
        self.clean_image = services.image_read_upload(file=self.cleaned_data["upload"])
        return self.cleaned_data["upload"]

    def clean(self):
        data = super().clean()
        if data.get("role") and not data.get("event"):
            raise ValidationError(
                {"event": _("A banner or gallery photo needs an event.")}
            )
        return data


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "__str__",
        "event",
        "role",
        "dimensions",
        "size",
        "variants_ready",
        "created_at",
    ]
    list_filter = ["role", "type", "created_at"]
    list_select_related = ["event"]
    search_fields = ["alt_es", "alt_en", "content_hash", "event__title_es"]
    raw_id_fields = ["event"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "preview",
        "variant_list",
        "id",
        "type",
        "content_type",
        "event",
        "role",
        "width",
        "height",
        "size",
        "content_hash",
        "uploaded_by",
        "created_at",
    ]

    class Media:
        js = ["media/admin-preview.js"]
        css = {"all": ["media/admin.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MediaUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "event", "role", "alt_es", "alt_en"]
        return ["preview", "alt_es", "alt_en", *self.readonly_fields[1:]]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    @admin.display(description=_("preview"))
    def thumbnail(self, obj):
        return _thumb(obj, 80)

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return _thumb(obj, 400)

    @admin.display(description=_("size (px)"))
    def dimensions(self, obj):
        return f"{obj.width}×{obj.height}"

    @admin.display(description=_("variants ready"), boolean=True)
    def variants_ready(self, obj):
        return obj.variants_ready

    @admin.display(description=_("variants"))
    def variant_list(self, obj):
        rows = [
            (v["url"], v["format"].upper(), v["width"], v["height"], v["size"])
            for fmt in ("webp", "jpeg")
            for v in obj.variants_of(fmt)
        ]
        if not rows:
            return _("Not made yet (the background worker makes them).")
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", '<li><a href="{}">{} {}×{}</a> ({} bytes)</li>', rows),
        )

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["alt_es", "alt_en"])
            return
        data = form.cleaned_data
        created = services.media_create(
            image=form.clean_image,
            event=data.get("event"),
            role=data.get("role") or (MediaRole.GALLERY if data.get("event") else ""),
            alt_es=data.get("alt_es", ""),
            alt_en=data.get("alt_en", ""),
            uploaded_by=request.user,
            request=request,
        )
        for field in Media._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.media_delete(media=obj, actor=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for media in queryset:
            services.media_delete(media=media, actor=request.user, request=request)
