from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("start/<uuid:ticket_id>/", views.payment_start_view, name="start"),
    path("<uuid:payment_id>/", views.payment_return, name="return"),
    path("<uuid:payment_id>/status.json", views.payment_status, name="status"),
]
