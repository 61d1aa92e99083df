from django.urls import path, re_path

from calendars import views

app_name = "calendars"

urlpatterns = [
    re_path(r"^calendar\.ics$", views.public_feed, name="feed"),
    path(
        "calendar/me/<str:token>.ics",
        views.member_feed,
        name="member_feed",
    ),
    path(
        "calendar/<slug:public_id>/download.ics",
        views.download_ics,
        name="download",
    ),
    re_path(
        r"^widget/event/(?P<public_id>[0-9a-z]{1,16})/?$",
        views.widget,
        name="widget",
    ),
    re_path(
        r"^track/(?P<public_id>[0-9a-z]{1,16})/(?P<kind>[a-z]{1,16})/?$",
        views.track,
        name="track",
    ),
]
