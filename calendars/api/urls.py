from django.urls import re_path

from calendars.api import views
from spanglish.api.paths import UUID

EVENT = rf"^events/(?P<pk>{UUID})"

urlpatterns = [
    re_path(
        r"^settings/iframe/?$",
        views.IframeSettingsView.as_view(),
        name="iframe-settings",
    ),
    re_path(
        EVENT + r"/iframe-settings/?$",
        views.EventIframeSettingsView.as_view(),
        name="event-iframe-settings",
    ),
    re_path(
        EVENT + r"/iframe-code/?$",
        views.IframeCodeView.as_view(),
        name="event-iframe-code",
    ),
    re_path(EVENT + r"/stats/?$", views.EventStatsView.as_view(), name="event-stats"),
    re_path(
        r"^calendar/feed/?$", views.FeedTokenView.as_view(), name="calendar-feed-token"
    ),
]
