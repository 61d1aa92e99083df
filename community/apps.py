from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from django.contrib.admin.models import LogEntry, LogEntryManager

        from community.mail import LINK_BUILDERS
        from community.roles import sync_role_groups
        from community.signals import audit_admin_log_entry, audit_bulk_log_entries
        from community.two_factor import remember_app_at_sign_in
        from emails.links import register_link_builder

        # Account emails carry credential links the emails worker mints at send
        # time; the emails app does not import our tokens, we hand it the builders.
        for purpose, builder in LINK_BUILDERS.items():
            register_link_builder(purpose, builder)

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

        # Each sign-in notes in its session whether the user has a two-factor app,
        # so the two-factor middleware needs no query per request for staff without.
        user_logged_in.connect(
            remember_app_at_sign_in, dispatch_uid="community.two_factor_app_flag"
        )

        # Groups are rebuilt after every migrate so new models' permissions follow.
        post_migrate.connect(
            sync_role_groups, dispatch_uid="community.sync_role_groups"
        )
