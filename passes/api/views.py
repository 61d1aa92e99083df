from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from community.api.idempotency import idempotent
from events.models import Event
from passes import selectors, services
from passes.api.serializers import (
    PassFilterSerializer,
    PassProductSerializer,
    PassSerializer,
    PurchaseResultSerializer,
    PurchaseSerializer,
    UseResultSerializer,
    UseSerializer,
)
from passes.models import Pass, PassProduct, PassStatus
from spanglish.api.deprecation import DeprecationHeadersMixin
from spanglish.api.permissions import ORGANIZER_ROLES, has_role
from spanglish.api.schema import IDEMPOTENCY_KEY
from spanglish.errors import ConflictError


def _with_details(qs):
    return (
        qs.with_sessions_used()
        .select_related("product")
        .prefetch_related("uses__event", "uses__ticket", "uses__pass_purchase")
        .order_by("-created_at")
    )


class PassProductListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = PassProductSerializer

    def get_queryset(self):
        return selectors.pass_products_on_sale()

    @extend_schema(
        tags=["passes"],
        summary="Passes on sale",
        description="Public: anyone may call it. The pass products on sale, with "
        "sessions (null = unlimited), validity in days after payment and price.",
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class PassListView(DeprecationHeadersMixin, generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PassSerializer

    def get_queryset(self):
        filters = PassFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        qs = Pass.objects.exclude(status=PassStatus.CANCELLED)
        wanted = filters.validated_data.get("user")
        if has_role(self.request.user, *ORGANIZER_ROLES):
            if wanted:
                qs = qs.filter(user_id=wanted)
        else:
            if wanted and wanted != self.request.user.pk:
                raise exceptions.PermissionDenied()
            qs = qs.filter(user=self.request.user)
        return _with_details(qs)

    @extend_schema(
        tags=["passes"],
        summary="List passes",
        description="Signed-in users see their own passes (what is left, expiry, "
        "history). Organizers and admins see everyone's, or one person's with "
        "`?user=<id>`; members asking for someone else get 403.",
        parameters=[PassFilterSerializer],
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class PassDetailView(DeprecationHeadersMixin, GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PassSerializer

    @extend_schema(
        tags=["passes"],
        summary="One pass",
        description="The pass's holder, or organizers and admins (others get 404).",
    )
    def get(self, request, pk):
        qs = Pass.objects.all()
        if not has_role(request.user, *ORGANIZER_ROLES):
            qs = qs.filter(user=request.user)
        pass_purchase = get_object_or_404(_with_details(qs), pk=pk)
        return Response(PassSerializer(pass_purchase).data)


class PassPurchaseView(DeprecationHeadersMixin, GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PurchaseSerializer

    @extend_schema(
        tags=["passes"],
        summary="Buy a pass online",
        description="Signed-in users, for themselves. Creates the pass (waiting for "
        "payment) and a pending payment, and returns the provider's checkout address. "
        "The pass becomes active when the provider's signed notification says it is "
        "paid.",
        request=PurchaseSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: PurchaseResultSerializer},
    )
    @idempotent
    def post(self, request):
        data = PurchaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = get_object_or_404(
            PassProduct.objects.on_sale(), pk=data.validated_data["product"]
        )
        payment = services.pass_purchase_start(
            product=product,
            buyer=request.user,
            provider_code=data.validated_data["provider"],
        )
        return Response(
            {
                "payment": payment.pk,
                "pass": payment.payable_id,
                "pass_id": payment.payable_id,
                "status": payment.status,
                "checkout_url": payment.checkout_url,
            },
            status=status.HTTP_201_CREATED,
        )


class PassUseView(DeprecationHeadersMixin, GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = UseSerializer

    @extend_schema(
        tags=["passes"],
        summary="Book a session with a pass",
        description="Signed-in users, with their own pass: books the event without "
        "paying, spending one session of the pass that expires soonest and covers "
        "it. 409 when no pass covers the event or the event is sold out.",
        request=UseSerializer,
        responses={201: UseResultSerializer},
    )
    def post(self, request):
        data = UseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = get_object_or_404(
            Event.objects.published(), pk=data.validated_data["event"]
        )
        pass_purchase = selectors.usable_pass_for(request.user, event)
        if pass_purchase is None:
            raise ConflictError(
                _("You have no pass that covers this event."), code="no_usable_pass"
            )
        ticket = services.pass_book_session(
            pass_=pass_purchase, event=event, user=request.user
        )
        pass_purchase = Pass.objects.get(pk=pass_purchase.pk)
        return Response(
            {
                "ticket": ticket.pk,
                "ticket_status": ticket.status,
                "pass": pass_purchase.pk,
                "pass_id": pass_purchase.pk,
                "sessions_left": pass_purchase.sessions_left,
            },
            status=status.HTTP_201_CREATED,
        )
