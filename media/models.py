import uuid

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def upload_to(instance, filename):
    # Never the uploader's file name: a generated one, sharded by the first hex digits.
    return f"media/{instance.id.hex[:2]}/{instance.id.hex}.{filename.rsplit('.', 1)[-1].lower()}"


class MediaType(models.TextChoices):
    IMAGE = "image", _("Image")


class Media(models.Model):
    """An uploaded file (images for now) with its metadata."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(_("file"), upload_to=upload_to, max_length=255)
    type = models.CharField(
        _("type"), max_length=16, choices=MediaType.choices, default=MediaType.IMAGE
    )
    alt_es = models.CharField(_("alt text (Spanish)"), max_length=300, blank=True)
    alt_en = models.CharField(_("alt text (English)"), max_length=300, blank=True)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    content_hash = models.CharField(
        _("SHA-256"), max_length=64, blank=True, db_index=True
    )
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
