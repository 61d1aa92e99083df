"""The back office, inside Django Admin: spanglish/urls.py mounts these under
/admin/ before the admin site's own URLs, so "" is the admin's index."""

from django.contrib import admin
from django.urls import path

from backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard), name="dashboard"),
    path(
        "backoffice/reports/",
        admin.site.admin_view(views.reports),
        name="reports",
    ),
    path(
        "backoffice/reports/<slug:key>/",
        admin.site.admin_view(views.report_download),
        name="report",
    ),
]
