from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("<uuid:pk>/", views.ticket_detail, name="detail"),
]
