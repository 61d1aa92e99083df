from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = _("Media")

    def ready(self):
        import mimetypes

        from django.conf import settings

        from media.imaging import configure_pillow

        configure_pillow(max_pixels=settings.MEDIA_MAX_PIXELS)
        # Served files get their type from the extension; make sure WebP is known.
        mimetypes.add_type("image/webp", ".webp")
