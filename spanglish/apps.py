from django.contrib.admin.apps import AdminConfig


class SpanglishAdminConfig(AdminConfig):
    """Django Admin, served by community's site class (named by string: the core
    imports no app above it)."""

    default_site = "community.admin_site.SpanglishAdminSite"

    def ready(self):
        super().ready()
        # Strings Django and third-party apps show in admin without a way to
        # translate them (spanglish/admin_overrides.py).
        from spanglish import admin_overrides

        admin_overrides.install()
