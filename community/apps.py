from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from django.contrib.admin.models import LogEntry, LogEntryManager

        from community.roles import sync_role_groups
        from community.signals import audit_admin_log_entry, audit_bulk_log_entries

        # Django Admin writes a LogEntry for every add, change and delete (its
        # own actions included); each one is copied into the audit trail.
        post_save.connect(
            audit_admin_log_entry,
            sender=LogEntry,
            dispatch_uid="community.audit_admin_log_entry",
        )
        if not getattr(LogEntryManager.log_actions, "audited", False):
            LogEntryManager.log_actions = audit_bulk_log_entries(
                LogEntryManager.log_actions
            )

        # Groups are rebuilt after every migrate so new models' permissions follow.
        post_migrate.connect(
            sync_role_groups, dispatch_uid="community.sync_role_groups"
        )
