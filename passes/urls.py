from django.urls import path

from passes import views

app_name = "passes"

urlpatterns = [
    path("", views.pass_list, name="list"),
    path("buy/", views.product_list, name="products"),
    path("buy/<uuid:product_id>/", views.pass_buy, name="buy"),
    path("use/<uuid:event_id>/", views.pass_use, name="use"),
]
