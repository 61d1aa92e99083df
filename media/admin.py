"""Django Admin for stored images. Which event an image belongs to is added by the
events app, which registers its own subclass of MediaAdmin (events/media_admin.py)."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from media import services
from media.models import Media
from spanglish.admin import TechnicalDetailsMixin

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
        fields = ["role", "alt_es", "alt_en"]

    def clean_upload(self):
        self.clean_image = services.image_read_upload(file=self.cleaned_data["upload"])
        return self.cleaned_data["upload"]


@admin.register(Media)
class MediaAdmin(TechnicalDetailsMixin, admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "__str__",
        "role",
        "dimensions",
        "size",
        "variants_ready",
        "created_at",
    ]
    list_filter = ["role", "type", "created_at"]
    search_fields = ["alt_es", "alt_en", "content_hash"]
    date_hierarchy = "created_at"
    add_form = MediaUploadForm
    add_form_fields = ["role", "alt_es", "alt_en"]
    technical_fields = ["id", "content_type", "content_hash"]
    readonly_fields = [
        "preview",
        "variant_list",
        "id",
        "type",
        "content_type",
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
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", *self.add_form_fields]
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
        created = self.media_create(request, form)
        for field in Media._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    def media_create(self, request, form) -> Media:
        """Store the checked upload (subclasses link it to what uses it)."""
        data = form.cleaned_data
        return services.media_create(
            image=form.clean_image,
            role=data.get("role", ""),
            alt_es=data.get("alt_es", ""),
            alt_en=data.get("alt_en", ""),
            uploaded_by=request.user,
        )

    def media_delete(self, request, media: Media) -> None:
        services.media_delete(media=media, actor=request.user)

    def delete_model(self, request, obj):
        self.media_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for media in queryset:
            self.media_delete(request, media)
