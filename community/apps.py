from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from django.contrib.admin.models import LogEntry

        from community.roles import sync_role_groups
        from community.signals import audit_admin_log_entry
        from community.two_factor import remember_app_at_sign_in

        # Django Admin writes a LogEntry for every add, change and delete (its
        # own actions included); each one is copied into the audit trail. Bulk
        # deletions write theirs without post_save: see admin_site.AuditedDeletions.
        post_save.connect(
            audit_admin_log_entry,
            sender=LogEntry,
            dispatch_uid="community.audit_admin_log_entry",
        )

        # Each sign-in notes in its session whether the user has a two-factor app,
        # so the two-factor middleware needs no query per request for staff without.
        user_logged_in.connect(
            remember_app_at_sign_in, dispatch_uid="community.two_factor_app_flag"
        )

        # Groups are rebuilt after every migrate so new models' permissions follow.
        post_migrate.connect(
            sync_role_groups, dispatch_uid="community.sync_role_groups"
        )
