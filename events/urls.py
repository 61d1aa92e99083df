from django.urls import path

from events import series_views, views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/", views.event_list, name="list"),
    path("share.png", views.home_share_image, name="home-share-image"),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/share.png", views.event_share_image, name="share-image"),
    path("about/", views.about, name="about"),
    path("series/", series_views.series_list, name="series-list"),
    path("series/<slug:slug>/", series_views.series_detail, name="series-detail"),
    path(
        "series/<slug:slug>/share.png",
        series_views.series_share_image,
        name="series-share-image",
    ),
    path(
        "series/<slug:slug>/calendar.ics",
        series_views.series_calendar,
        name="series-calendar",
    ),
]
