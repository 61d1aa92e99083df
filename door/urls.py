from django.urls import path

from door import checkin_views, views

app_name = "door"

urlpatterns = [
    path("start/", checkin_views.door_landing, name="landing"),
    path("events/<uuid:event_id>/pass/", views.pass_sell, name="pass-sell"),
    path("events/<uuid:event_id>/walk-in/", views.walkin, name="walkin"),
    path("events/<uuid:event_id>/cash-up/", views.cashup, name="cashup"),
    path("cant-come/<str:token>/", views.cant_come, name="cant-come"),
    path("manifest.webmanifest", views.web_manifest, name="manifest"),
]
