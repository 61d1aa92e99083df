from django.urls import path, re_path

from tickets import door_views, tables_views, views

app_name = "tickets"

urlpatterns = [
    path("book/<uuid:event_id>/", views.book, name="book"),
    path("waitlist/<uuid:event_id>/", views.waitlist_join, name="waitlist-join"),
    path("offer/<str:token>/", views.waitlist_offer, name="offer"),
    path("m/<str:token>/", views.ticket_manage, name="manage"),
    path("door/", door_views.door_index, name="door"),
    path("door/<uuid:event_id>/", door_views.door_event, name="door-event"),
    path("door/<uuid:event_id>/counts/", door_views.door_counts, name="door-counts"),
    re_path(
        r"^events/(?P<event_id>[0-9a-f-]{36})/attendees\.(?P<fmt>csv|xlsx)$",
        door_views.attendees_export,
        name="export",
    ),
    path("tables/<uuid:event_id>/", tables_views.tables_page, name="tables"),
    path(
        "tables/<uuid:event_id>/screen/",
        tables_views.tables_screen,
        name="tables-screen",
    ),
    path(
        "tables/<uuid:event_id>/suggest/",
        tables_views.tables_suggest,
        name="tables-suggest",
    ),
    path("tables/<uuid:event_id>/move/", tables_views.tables_move, name="tables-move"),
    path("<uuid:pk>/", views.ticket_detail, name="detail"),
    path("<uuid:pk>/cancel/", views.ticket_cancel, name="cancel"),
    path("<uuid:pk>/coming/", views.ticket_holder_confirm, name="holder-confirm"),
]
