from django.urls import re_path

from tickets.api import views

UUID = r"[0-9a-f-]{36}"

urlpatterns = [
    re_path(r"^tickets/?$", views.TicketBookView.as_view(), name="ticket-book"),
    re_path(r"^tickets/checkin/?$", views.CheckinView.as_view(), name="ticket-checkin"),
    re_path(
        rf"^tickets/(?P<pk>{UUID})/?$",
        views.TicketDetailView.as_view(),
        name="ticket-detail",
    ),
    re_path(
        rf"^events/(?P<pk>{UUID})/tickets/?$",
        views.EventTicketListView.as_view(),
        name="event-tickets",
    ),
    re_path(
        rf"^events/(?P<pk>{UUID})/attendees\.csv$",
        views.AttendeeExportView.as_view(fmt="csv"),
        name="event-attendees-csv",
    ),
    re_path(
        rf"^events/(?P<pk>{UUID})/attendees\.xlsx$",
        views.AttendeeExportView.as_view(fmt="xlsx"),
        name="event-attendees-xlsx",
    ),
]
