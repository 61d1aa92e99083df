import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def upload_to(instance, filename):
    # Never the uploader's file name: a generated one, sharded by the first hex digits.
    return f"media/{instance.id.hex[:2]}/{instance.id.hex}.{filename.rsplit('.', 1)[-1].lower()}"


class MediaType(models.TextChoices):
    IMAGE = "image", _("Image")


class MediaRole(models.TextChoices):
    BANNER = "banner", _("Event banner")
    GALLERY = "gallery", _("Event gallery photo")


class Media(models.Model):
    """An uploaded file (images for now) with its metadata.

    Which event uses it is recorded in events (events.EventImage): media sits below
    events and knows nothing of them; `role` says what the image was uploaded as.

    `file` holds the re-encoded, metadata-free original; `variants` lists the resized
    copies the background worker made: [{"width", "height", "format", "name", "size"}].
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(_("file"), upload_to=upload_to, max_length=255)
    type = models.CharField(
        _("type"), max_length=16, choices=MediaType.choices, default=MediaType.IMAGE
    )
    content_type = models.CharField(_("content type"), max_length=64, blank=True)
    role = models.CharField(
        _("used as"), max_length=16, choices=MediaRole.choices, blank=True
    )
    alt_es = models.CharField(_("alt text (Spanish)"), max_length=300, blank=True)
    alt_en = models.CharField(_("alt text (English)"), max_length=300, blank=True)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    content_hash = models.CharField(
        _("SHA-256"), max_length=64, blank=True, db_index=True
    )
    variants = models.JSONField(_("variants"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("media file")
        verbose_name_plural = _("media files")
        ordering = ["-created_at"]

    def __str__(self):
        return self.alt or str(self.id)

    @property
    def alt(self) -> str:
        lang = translation.get_language() or settings.LANGUAGE_CODE
        first, second = (
            (self.alt_en, self.alt_es)
            if lang.startswith("en")
            else (self.alt_es, self.alt_en)
        )
        return first or second

    @property
    def url(self) -> str:
        return self.file.url if self.file else ""

    @property
    def variants_ready(self) -> bool:
        return bool(self.variants)

    def variants_of(self, fmt: str) -> list[dict]:
        """Variants in one format ("webp" or "jpeg"), narrowest first, with URLs."""
        return [
            {**v, "url": default_storage.url(v["name"])}
            for v in sorted(self.variants, key=lambda v: v["width"])
            if v["format"] == fmt
        ]

    def srcset(self, fmt: str) -> str:
        return ", ".join(f"{v['url']} {v['width']}w" for v in self.variants_of(fmt))

    @property
    def srcset_webp(self) -> str:
        return self.srcset("webp")

    @property
    def srcset_jpeg(self) -> str:
        return self.srcset("jpeg")

    @property
    def fallback_url(self) -> str:
        """The JPEG a browser without srcset gets: the widest one up to 800 px."""
        jpegs = self.variants_of("jpeg")
        fitting = [v for v in jpegs if v["width"] <= 800] or jpegs
        return fitting[-1]["url"] if fitting else self.url

    @property
    def largest_url(self) -> str:
        jpegs = self.variants_of("jpeg")
        return jpegs[-1]["url"] if jpegs else self.url
