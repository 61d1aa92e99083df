from django.urls import path

from door import views

app_name = "door"

urlpatterns = [
    path("events/<uuid:event_id>/walk-in/", views.walkin, name="walkin"),
    path("events/<uuid:event_id>/cash-up/", views.cashup, name="cashup"),
    path("cant-come/<str:token>/", views.cant_come, name="cant-come"),
    path("manifest.webmanifest", views.web_manifest, name="manifest"),
]
