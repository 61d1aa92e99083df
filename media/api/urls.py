from django.urls import re_path

from media.api import views
from spanglish.api.paths import UUID

urlpatterns = [
    re_path(r"^media/upload/?$", views.MediaUploadView.as_view(), name="media-upload"),
    re_path(
        rf"^media/(?P<pk>{UUID})/?$",
        views.MediaDetailView.as_view(),
        name="media-detail",
    ),
]
