from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from community.roles import sync_role_groups

        # Groups are rebuilt after every migrate so new models' permissions follow.
        post_migrate.connect(
            sync_role_groups, dispatch_uid="community.sync_role_groups"
        )
