from django.urls import re_path

from payments.api import views
from spanglish.api.paths import UUID

urlpatterns = [
    re_path(
        r"^payments/initiate/?$",
        views.PaymentInitiateView.as_view(),
        name="payments-initiate",
    ),
    re_path(
        r"^payments/refund/?$",
        views.PaymentRefundView.as_view(),
        name="payments-refund",
    ),
    re_path(
        r"^payments/webhook/stripe/?$",
        views.WebhookView.as_view(provider_code="stripe"),
        name="payments-webhook-stripe",
    ),
    re_path(
        r"^payments/webhook/mercadopago/?$",
        views.WebhookView.as_view(provider_code="mercadopago"),
        name="payments-webhook-mercadopago",
    ),
    re_path(
        r"^payments/webhook/?$", views.WebhookView.as_view(), name="payments-webhook"
    ),
    re_path(
        rf"^payments/(?P<pk>{UUID})/?$",
        views.PaymentDetailView.as_view(),
        name="payments-detail",
    ),
]
