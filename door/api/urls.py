from django.urls import re_path

from door.api import views
from spanglish.api.paths import UUID

urlpatterns = [
    re_path(
        rf"^door/events/(?P<pk>{UUID})/manifest/?$",
        views.DoorManifestView.as_view(),
        name="door-manifest",
    ),
    re_path(r"^door/sync/?$", views.DoorSyncView.as_view(), name="door-sync"),
]
