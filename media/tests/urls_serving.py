"""The project's URLs plus development upload serving, as DEBUG=true adds them."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from spanglish.urls import urlpatterns as project_urlpatterns


def serve_upload(request, path):
    # MEDIA_ROOT is read per request: tests point it at a temporary folder.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^uploads/(?P<path>.*)$", serve_upload),
    *project_urlpatterns,
]
