"""The worker's half of an upload: make an image's variants and record them."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from media.imaging import image_variants
from media.models import Media


def media_variants_generate(*, media: Media) -> Media:
    """Make the WebP and JPEG variants of a stored image and record them. Runs in the
    background worker; safe to run again (old variant files are replaced)."""
    with default_storage.open(media.file.name, "rb") as fh:
        master = fh.read()
    made = image_variants(master, widths=settings.MEDIA_VARIANT_WIDTHS)
    stem = media.file.name.rsplit(".", 1)[0]
    variants = []
    for variant in made:
        ext = "jpg" if variant.format == "jpeg" else variant.format
        name = f"{stem}-{variant.width}w.{ext}"
        if default_storage.exists(name):
            default_storage.delete(name)
        name = default_storage.save(name, ContentFile(variant.data))
        variants.append(
            {
                "width": variant.width,
                "height": variant.height,
                "format": variant.format,
                "name": name,
                "size": len(variant.data),
            }
        )
    old = {v["name"] for v in media.variants} - {v["name"] for v in variants}
    with transaction.atomic():
        locked = Media.objects.select_for_update().filter(pk=media.pk).first()
        if locked is None:  # deleted meanwhile: do not leave files behind
            old |= {v["name"] for v in variants}
        else:
            locked.variants = variants
            locked.save(update_fields=["variants"])
            media.variants = variants
    for name in old:
        default_storage.delete(name)
    return media
