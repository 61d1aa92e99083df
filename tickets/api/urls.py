from django.urls import re_path

from spanglish.api.paths import UUID
from tickets.api import views

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
        views.AttendeeCSVExportView.as_view(),
        name="event-attendees-csv",
    ),
    re_path(
        rf"^events/(?P<pk>{UUID})/attendees\.xlsx$",
        views.AttendeeXLSXExportView.as_view(),
        name="event-attendees-xlsx",
    ),
]
