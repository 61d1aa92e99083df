from django.contrib.admin.apps import AdminConfig


class SpanglishAdminConfig(AdminConfig):
    """Django Admin, served by community's site class (named by string: the core
    imports no app above it)."""

    default_site = "community.admin_site.SpanglishAdminSite"
