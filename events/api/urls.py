from django.urls import re_path

from events.api import media, series, views
from spanglish.api.paths import UUID

urlpatterns = [
    re_path(r"^events/?$", views.EventListCreateView.as_view(), name="event-list"),
    re_path(
        rf"^events/(?P<pk>{UUID})/?$",
        views.EventDetailView.as_view(),
        name="event-detail",
    ),
    re_path(r"^series/?$", series.SeriesListCreateView.as_view(), name="series-list"),
    re_path(
        rf"^series/(?P<pk>{UUID})/?$",
        series.SeriesDetailView.as_view(),
        name="series-detail",
    ),
    re_path(
        rf"^series/(?P<pk>{UUID})/skip/?$",
        series.SeriesSkipView.as_view(),
        name="series-skip",
    ),
    # The media API (paths unchanged; see events/api/media.py).
    re_path(r"^media/upload/?$", media.MediaUploadView.as_view(), name="media-upload"),
    re_path(
        rf"^media/(?P<pk>{UUID})/?$",
        media.MediaDetailView.as_view(),
        name="media-detail",
    ),
]
