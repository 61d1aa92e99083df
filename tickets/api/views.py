from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from community.api.idempotency import idempotent
from community.services import user_get_or_create_by_email
from events.models import Event
from events.selectors import event_published_by_pk
from spanglish.api.deprecation import DeprecationHeadersMixin
from spanglish.api.exceptions import error_body, json_error_response
from spanglish.api.permissions import (
    DOOR_STAFF_ROLES,
    ORGANIZER_ROLES,
    IsDoorStaff,
    IsOrganizer,
    has_role,
)
from spanglish.api.schema import IDEMPOTENCY_KEY
from spanglish.api.throttling import APIRateThrottle
from spanglish.currency import format_money
from spanglish.errors import ConflictError
from tickets import exports, services
from tickets.access import booked_by_email_message
from tickets.api.serializers import (
    CHECKIN_PAYMENT_CHOICES,
    CheckinPaymentRequiredSerializer,
    CheckinResultSerializer,
    CheckinSerializer,
    TicketBookedByEmailSerializer,
    TicketBookedSerializer,
    TicketBookSerializer,
    TicketFilterSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)
from tickets.api.throttles import UserWriteThrottle
from tickets.models import Ticket, TicketStatus
from tickets.ratelimit import booking_rate_limit_message, booking_rate_limited


class TicketBookView(DeprecationHeadersMixin, GenericAPIView):
    permission_classes = [permissions.AllowAny]
    # Anonymous bookings are limited by tickets.ratelimit (the booking form's limits).
    throttle_classes = [APIRateThrottle, UserWriteThrottle]
    serializer_class = TicketBookSerializer

    @extend_schema(
        tags=["tickets"],
        summary="Book a ticket",
        description="Anyone. Signed in: books for yourself (201 with the ticket; "
        "booking again returns your ticket with 200). Not signed in: give "
        "`attendee_name` and `attendee_email`; an account is matched or created by "
        "email and the ticket's link is emailed to that address, never returned: the "
        'answer is always 202 `{"detail": "Check your email…"}`, whether the '
        "address is new, already holds a ticket or must pay ahead (a pay-at-the-door "
        "booking is then held for online payment). Free events and `door` payment "
        "confirm at once; `online` holds the seat while the payment completes. Sold "
        "out → 409 `sold_out`. Anonymous bookings are limited per client IP and per "
        "email address per event (BOOKING_RATE_LIMIT_*): 429 `throttled`.",
        request=TicketBookSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: TicketBookedSerializer,
            200: TicketSerializer,
            202: TicketBookedByEmailSerializer,
        },
    )
    @idempotent
    def post(self, request):
        serializer = TicketBookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        event = event_published_by_pk(data["event"])
        if event is None:
            raise Http404
        name = data.get("attendee_name", "")
        email = data.get("attendee_email", "")
        if request.user.is_authenticated:
            user = request.user
        else:
            missing = {
                field: [_("This field is required when not signed in.")]
                for field in ("attendee_name", "attendee_email")
                if not data.get(field)
            }
            if missing:
                raise ValidationError(missing)
            if booking_rate_limited(request=request, event=event, email=email):
                return json_error_response(
                    429, "throttled", booking_rate_limit_message()
                )
            user, _created = user_get_or_create_by_email(
                email=email, name=name, language=getattr(request, "LANGUAGE_CODE", "")
            )
        ticket, created = services.ticket_book(
            event=event,
            user=user,
            payment_method=data.get("payment_method"),
            attendee_name=name,
            attendee_email=email,
            side=data.get("side", ""),
            by_email_only=not request.user.is_authenticated,
        )
        if not request.user.is_authenticated:
            # Never show a ticket to someone who only typed an email: the same
            # answer whether the address is new or already holds a ticket.
            return Response(
                {"detail": booked_by_email_message(email)},
                status=status.HTTP_202_ACCEPTED,
            )
        if not created:
            return Response(TicketSerializer(ticket).data)
        return Response(
            _BOOKED_TICKET.to_representation(ticket), status=status.HTTP_201_CREATED
        )


# The new ticket, read through one serializer built once (as _SCANNED_TICKET below):
# building its fields per booking cost a tenth of the booking's CPU.
_BOOKED_TICKET = TicketBookedSerializer()


class TicketDetailView(DeprecationHeadersMixin, GenericAPIView):
    serializer_class = TicketSerializer

    def get_permissions(self):
        if self.request.method == "PUT":
            return [IsDoorStaff()]
        return [permissions.IsAuthenticated()]

    def get_object(self):
        ticket = get_object_or_404(
            Ticket.objects.select_related("event", "checked_in_by"),
            pk=self.kwargs["pk"],
        )
        user = self.request.user
        if ticket.user_id != user.pk and not has_role(user, *DOOR_STAFF_ROLES):
            # Members never learn that someone else's ticket exists.
            raise Http404
        return ticket

    @extend_schema(
        tags=["tickets"],
        summary="One ticket",
        description="The ticket's holder, and door staff (volunteers, organizers, "
        "admins). Anyone else gets 404.",
    )
    def get(self, request, pk):
        return Response(_ticket_data(request, self.get_object()))

    @extend_schema(
        tags=["tickets"],
        summary="Check in or cancel a ticket",
        description="Door staff may set `checked_in` (same rules as the door page: "
        "refused with 409 if already checked in, cancelled or unpaid; a "
        "pay-at-the-door ticket with money due needs `payment`, else 409 "
        "`payment_required`); organizers and admins may also set `cancelled` (the "
        "seat goes to the waiting list).",
        request=TicketUpdateSerializer,
        responses={200: TicketSerializer},
    )
    def put(self, request, pk):
        ticket = self.get_object()
        serializer = TicketUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wanted = serializer.validated_data["status"]
        if wanted == TicketStatus.CHECKED_IN:
            payment = serializer.validated_data.get("payment", "")
            result = services.ticket_check_in(
                code=ticket.code,
                event=ticket.event,
                actor=request.user,
                cash=_CHECKIN_CASH.get(payment, services.CheckinCash.ASK),
            )
            if result.outcome == services.CheckinOutcome.CASH_DUE:
                raise ConflictError(result.message, code="payment_required")
            if not result.ok:
                raise ConflictError(result.message, code=result.outcome)
        else:
            if not has_role(request.user, *ORGANIZER_ROLES):
                raise PermissionDenied(
                    _("Only organizers and admins may cancel tickets.")
                )
            services.ticket_cancel(ticket=ticket, actor=request.user)
        ticket = Ticket.objects.select_related("event", "checked_in_by").get(pk=pk)
        return Response(_ticket_data(request, ticket))


def _ticket_data(request, ticket) -> dict:
    """The ticket with its holder's id for door staff (TicketSerializer)."""
    show = has_role(request.user, *DOOR_STAFF_ROLES)
    return TicketSerializer(ticket, context={"show_holder": show}).data


class EventTicketListView(DeprecationHeadersMixin, GenericAPIView):
    permission_classes = [IsDoorStaff]
    serializer_class = TicketSerializer

    @extend_schema(
        tags=["tickets"],
        summary="Tickets of an event",
        description="Door staff (volunteers, organizers, admins). Paginated; filter "
        "with `?status=`.",
        parameters=[TicketFilterSerializer],
        responses={200: TicketSerializer(many=True)},
    )
    def get(self, request, pk):
        event = get_object_or_404(Event, pk=pk)
        filters = TicketFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = (
            Ticket.objects.filter(event=event)
            .select_related("event", "checked_in_by")
            .order_by("attendee_name", "created_at")
        )
        if value := filters.validated_data.get("status"):
            qs = qs.filter(status=value)
        page = self.paginate_queryset(qs)
        tickets = TicketSerializer(page, many=True, context={"show_holder": True})
        return self.get_paginated_response(tickets.data)


# The scan answer's ticket, read through one serializer built once: a
# ModelSerializer builds its fields per instance, about a tenth of a scan's CPU.
# Reading (to_representation) shares nothing between requests.
_SCANNED_TICKET = TicketSerializer(context={"show_holder": True})


# `payment` in the check-in service's words; `not_paid` (and nothing) only asks.
_CHECKIN_CASH = {
    "cash_received": services.CheckinCash.RECEIVED,
    "admit_unpaid": services.CheckinCash.UNPAID,
}


class CheckinView(DeprecationHeadersMixin, GenericAPIView):
    permission_classes = [IsDoorStaff]
    serializer_class = CheckinSerializer

    @extend_schema(
        tags=["tickets"],
        summary="Check in by ticket code",
        description="Door staff (volunteers, organizers, admins), for scanners. 200 "
        "with `ok` and `outcome`: `checked_in`, `already_checked_in`, `wrong_event`, "
        "`cancelled`, `unpaid`, `not_found`, or `not_paid` (you sent "
        "`payment=not_paid`: nothing recorded). A pay-at-the-door ticket with money "
        "due is never checked in on a bare scan: without `payment` the answer is 409 "
        "`payment_required` with the amount to collect (`amount`, `amount_display` "
        "in the request's language, `currency`); send the same code again with "
        "`payment`. Cash is recorded once, however often it is scanned. Unknown "
        "`event`: 404.",
        request=CheckinSerializer,
        responses={
            200: CheckinResultSerializer,
            409: CheckinPaymentRequiredSerializer,
        },
    )
    def post(self, request):
        serializer = CheckinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment = data.get("payment", "")
        try:
            # The event's id is enough: the ticket's row brings its event along.
            result = services.ticket_check_in(
                code=data["code"],
                event_id=data.get("event"),
                actor=request.user,
                cash=_CHECKIN_CASH.get(payment, services.CheckinCash.ASK),
            )
        except Event.DoesNotExist:
            raise Http404 from None
        ticket = result.ticket
        currency = ticket.event.currency if ticket else ""
        answer = {
            "ticket": _SCANNED_TICKET.to_representation(ticket) if ticket else None
        }
        if result.outcome == services.CheckinOutcome.CASH_DUE:
            amount = format_money(result.collect, currency)
            if payment == "not_paid":
                return Response(
                    {
                        "ok": False,
                        "outcome": "not_paid",
                        "message": _("Not checked in: %(name)s did not pay %(amount)s.")
                        % {
                            "name": ticket.attendee_name or ticket.attendee_email,
                            "amount": amount,
                        },
                        "collect": "0.00",
                        "collect_display": "",
                        "currency": currency,
                        **answer,
                    }
                )
            return Response(
                {
                    **error_body("payment_required", result.message),
                    "outcome": result.outcome,
                    "amount": f"{result.collect:.2f}",
                    "amount_display": amount,
                    "currency": currency,
                    "choices": CHECKIN_PAYMENT_CHOICES,
                    **answer,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            {
                "ok": result.ok,
                "outcome": result.outcome,
                "message": result.message,
                "collect": f"{result.collect:.2f}",
                "collect_display": format_money(result.collect, currency)
                if result.collect
                else "",
                "currency": currency,
                **answer,
            }
        )


class _FileRenderer(BaseRenderer):
    """Lets `Accept: text/csv` through content negotiation; the view streams.

    Only errors are ever rendered here: they are JSON and say so, whatever format
    was negotiated."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_FileRenderer):
    media_type = exports.XLSX_TYPE
    format = "xlsx"


class AttendeeExportView(GenericAPIView):
    permission_classes = [IsOrganizer]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    fmt = "csv"

    @extend_schema(
        tags=["tickets"],
        summary="Attendee list (CSV or XLSX)",
        description="Organizers and admins. Streams one row per ticket: name, email, "
        "phone, status, amount paid, payment method, checked-in time, ticket code. "
        "CSV is UTF-8 with a byte-order mark; cells that a spreadsheet would run as "
        "formulas are prefixed with an apostrophe. Every export is audited.",
    )
    def get(self, request, pk):
        event = get_object_or_404(Event, pk=pk)
        return exports.export_response(event=event, fmt=self.fmt, actor=request.user)


@extend_schema_view(
    get=extend_schema(
        summary="Attendee list (CSV)",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
)
class AttendeeCSVExportView(AttendeeExportView):
    fmt = "csv"


@extend_schema_view(
    get=extend_schema(
        summary="Attendee list (XLSX)",
        responses={(200, exports.XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY)},
    )
)
class AttendeeXLSXExportView(AttendeeExportView):
    fmt = "xlsx"
