from django.contrib.admin.apps import AdminConfig


class SpanglishAdminConfig(AdminConfig):
    """Django Admin, served by our site class (spanglish.admin.SpanglishAdminSite)."""

    default_site = "spanglish.admin.SpanglishAdminSite"
