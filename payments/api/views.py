from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.idempotency import idempotent
from payments import services
from payments.api.serializers import (
    InitiateResultSerializer,
    InitiateSerializer,
    PaymentSerializer,
    RefundSerializer,
    WebhookResultSerializer,
)
from payments.models import Payment
from payments.payables import payable_handler
from payments.providers import all_providers, get_provider
from payments.providers.base import InvalidSignature, ProviderError
from payments.selectors import user_can_see_payment
from spanglish.api.deprecation import DeprecationHeadersMixin
from spanglish.api.exceptions import error_body
from spanglish.api.permissions import ORGANIZER_ROLES, IsOrganizer, has_role, not_yours
from spanglish.api.schema import IDEMPOTENCY_KEY


class PaymentInitiateView(APIView):
    # Guests who booked without an account hold their ticket through the session.
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["payments"],
        summary="Start an online payment",
        description="The ticket's holder (its signed-in owner, or the browser session "
        "that booked it) or organizers and admins; anyone else gets 404, as for a "
        "ticket that does not exist. Creates a pending payment and returns the "
        "provider's checkout address to send the payer to.",
        request=InitiateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: InitiateResultSerializer},
    )
    @idempotent
    def post(self, request):
        data = InitiateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The body names a ticket: its handler says who may pay it.
        handler = payable_handler("ticket")
        ticket = handler.get(data.validated_data["ticket"])
        if ticket is None:
            raise Http404
        if not has_role(request.user, *ORGANIZER_ROLES) and not handler.held_by(
            ticket, user=request.user, session=request.session
        ):
            not_yours()
        payment = services.payment_start(
            kind="ticket",
            payable_id=ticket.pk,
            provider_code=data.validated_data["provider"],
        )
        return Response(
            {
                "id": payment.pk,
                "status": payment.status,
                "checkout_url": payment.checkout_url,
            },
            status=status.HTTP_201_CREATED,
        )


def _payment_data(request, payment) -> dict:
    staff = has_role(request.user, *ORGANIZER_ROLES)
    return PaymentSerializer(payment, context={"staff": staff}).data


class PaymentDetailView(DeprecationHeadersMixin, APIView):
    permission_classes = [permissions.AllowAny]  # payer (also a guest session) or staff

    @extend_schema(
        tags=["payments"],
        summary="One payment",
        description="The payer (ticket holder, or the browser session that booked "
        "it) or organizers and admins; anyone else gets 404, as for a payment that "
        "does not exist. The provider's ids are for organizers and admins.",
        responses={200: PaymentSerializer},
    )
    def get(self, request, pk):
        payment = get_object_or_404(Payment, pk=pk)
        if not user_can_see_payment(
            user=request.user, session=request.session, payment=payment
        ):
            not_yours()
        return Response(_payment_data(request, payment))


class PaymentRefundView(DeprecationHeadersMixin, APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(
        tags=["payments"],
        summary="Refund a payment",
        description="Organizers and admins. Without `amount` the whole remaining amount "
        "is refunded, the ticket is marked refunded and its seat freed; with `amount` "
        "a partial refund. The provider is called with an idempotency key.",
        request=RefundSerializer,
        responses={200: PaymentSerializer},
    )
    def post(self, request):
        data = RefundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = get_object_or_404(Payment, pk=data.validated_data["payment"])
        payment = services.payment_refund(
            payment=payment,
            amount=data.validated_data.get("amount"),
            actor=request.user,
        )
        return Response(_payment_data(request, payment))


class WebhookView(APIView):
    """Providers call this: no session, no CSRF; the signature is the authentication."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []  # signed by the provider, which retries a refusal
    provider_code = ""

    def _provider(self, request):
        if self.provider_code:
            return get_provider(self.provider_code)
        for provider in all_providers().values():
            if provider.online and provider.matches_request(request):
                return provider
        return None

    @extend_schema(
        tags=["payments"],
        summary="Payment provider notification",
        description="Called by Stripe or MercadoPago only: anyone may call it, but only "
        "a notification signed with our webhook secret is applied: the signature is "
        "its authentication. A missing or bad signature answers 403 `bad_signature` "
        "and changes nothing; a replay answers 200 and changes nothing. Not rate "
        "limited (the providers retry what fails).",
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: WebhookResultSerializer,
            403: OpenApiResponse(description="Bad or missing signature."),
            503: OpenApiResponse(
                description="The provider's API did not answer; it will retry."
            ),
        },
    )
    def post(self, request):
        raw = request._request  # the untouched body is what was signed
        provider = self._provider(raw)
        if provider is None:
            return Response(
                error_body("bad_signature", _("No known signature header.")), status=403
            )
        try:
            notification = provider.parse_notification(request=raw)
            result = services.payment_handle_notification(
                provider_code=provider.code, notification=notification
            )
        except InvalidSignature:
            return Response(
                error_body("bad_signature", _("Signature verification failed.")),
                status=403,
            )
        except ProviderError:
            # The provider will retry: nothing was recorded yet.
            return Response(
                error_body("provider_unavailable", _("Could not reach the provider.")),
                status=503,
            )
        return Response({"result": result})
