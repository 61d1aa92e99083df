from django.urls import re_path

from events.api import views

urlpatterns = [
    re_path(r"^events/?$", views.EventListCreateView.as_view(), name="event-list"),
    re_path(
        r"^events/(?P<pk>[0-9a-f-]{36})/?$",
        views.EventDetailView.as_view(),
        name="event-detail",
    ),
]
