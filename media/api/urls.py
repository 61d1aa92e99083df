from django.urls import re_path

from media.api import views

urlpatterns = [
    re_path(r"^media/upload/?$", views.MediaUploadView.as_view(), name="media-upload"),
    re_path(
        r"^media/(?P<pk>[0-9a-f-]{36})/?$",
        views.MediaDetailView.as_view(),
        name="media-detail",
    ),
]
