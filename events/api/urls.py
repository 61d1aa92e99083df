from django.urls import re_path

from events.api import series, views

urlpatterns = [
    re_path(r"^events/?$", views.EventListCreateView.as_view(), name="event-list"),
    re_path(
        r"^events/(?P<pk>[0-9a-f-]{36})/?$",
        views.EventDetailView.as_view(),
        name="event-detail",
    ),
    re_path(r"^series/?$", series.SeriesListCreateView.as_view(), name="series-list"),
    re_path(
        r"^series/(?P<pk>[0-9a-f-]{36})/?$",
        series.SeriesDetailView.as_view(),
        name="series-detail",
    ),
    re_path(
        r"^series/(?P<pk>[0-9a-f-]{36})/skip/?$",
        series.SeriesSkipView.as_view(),
        name="series-skip",
    ),
]
