"""Seat pages, mounted by spanglish/urls.py under /<lang>/tickets/ together with
the door check-in pages (door/checkin_urls.py) in the "tickets" namespace;
`account_urlpatterns` under /<lang>/account/."""

from django.urls import path

from tickets import tables_views, views, waitlist_views

app_name = "tickets"

urlpatterns = [
    path("book/<uuid:event_id>/", views.book, name="book"),
    path("waitlist/<uuid:event_id>/", views.waitlist_join, name="waitlist-join"),
    path(
        "waitlist/<uuid:event_id>/leave/",
        waitlist_views.waitlist_leave,
        name="waitlist-leave",
    ),
    path(
        "waitlist/leave/<str:token>/",
        waitlist_views.waitlist_leave_link,
        name="waitlist-leave-link",
    ),
    path("offer/<str:token>/", views.waitlist_offer, name="offer"),
    path("m/<str:token>/", views.ticket_manage, name="manage"),
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

# A member's own tickets, at /<lang>/account/tickets/ (tickets:mine).
account_urlpatterns = [
    path("tickets/", views.my_tickets, name="mine"),
]
