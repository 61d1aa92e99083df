from django.urls import re_path

from passes.api import views
from spanglish.api.paths import UUID

urlpatterns = [
    re_path(
        r"^pass-products/?$",
        views.PassProductListView.as_view(),
        name="pass-product-list",
    ),
    re_path(r"^passes/?$", views.PassListView.as_view(), name="pass-list"),
    re_path(
        r"^passes/purchase/?$", views.PassPurchaseView.as_view(), name="pass-purchase"
    ),
    re_path(r"^passes/use/?$", views.PassUseView.as_view(), name="pass-use"),
    re_path(
        rf"^passes/(?P<pk>{UUID})/?$",
        views.PassDetailView.as_view(),
        name="pass-detail",
    ),
]
