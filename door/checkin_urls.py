"""Routes of the door check-in pages (door/checkin_views.py). spanglish/urls.py
mounts them under /<lang>/tickets/ beside tickets/urls.py, in the "tickets" URL
namespace, so their paths and names (tickets:door, tickets:export …) stay as they
were when these pages lived in the tickets app."""

from django.urls import path, re_path

from door import checkin_views

urlpatterns = [
    path("door/", checkin_views.door_index, name="door"),
    path("door/<uuid:event_id>/", checkin_views.door_event, name="door-event"),
    path("door/<uuid:event_id>/counts/", checkin_views.door_counts, name="door-counts"),
    path("door/<uuid:event_id>/undo/", checkin_views.door_undo, name="door-undo"),
    re_path(
        r"^events/(?P<event_id>[0-9a-f-]{36})/attendees\.(?P<fmt>csv|xlsx)$",
        checkin_views.attendees_export,
        name="export",
    ),
]
