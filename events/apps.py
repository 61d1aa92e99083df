from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from events.caching import WATCHED_MODELS, public_cache_bump

        # Cache invalidation only, no business rule: see events/caching.py.
        for model in WATCHED_MODELS:
            for signal in (post_save, post_delete):
                signal.connect(
                    public_cache_bump, sender=model, dispatch_uid=f"public-{model}"
                )
