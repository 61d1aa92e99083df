from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from events import services
from events.api.serializers import (
    EventFilterSerializer,
    EventSerializer,
    EventWriteSerializer,
)
from events.caching import public_cached
from events.selectors import event_list_for
from spanglish.api.permissions import ORGANIZER_ROLES, ReadOnlyOrOrganizer, has_role

# What the schema cannot say (schemathesis.toml names the same rules).
WRITE_RULES = (
    "`title`/`description` are the request's language and win over that "
    "language's `title_es`/`title_en`; sent back unchanged they change nothing. "
    "Fields a GET shows may be sent back and are ignored; any other unknown field "
    "is a 400 naming it. Refused with 400: `ends_at` not after `starts_at`, no "
    "title in either language, more decimals in `price` than the currency has, a "
    "`slug` another event uses, a `banner` that is not an uploaded image, a "
    "`capacity` below the seats kept per language."
)


class EventListCreateView(generics.ListCreateAPIView):
    permission_classes = [ReadOnlyOrOrganizer]
    serializer_class = EventSerializer

    def get_queryset(self):
        qs = event_list_for(self.request.user).select_related("banner")
        qs = qs.order_by("starts_at")
        if self.request.method != "GET":
            return qs
        filters = EventFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        if value := filters.validated_data.get("starts_after"):
            qs = qs.filter(starts_at__gte=value)
        if value := filters.validated_data.get("starts_before"):
            qs = qs.filter(starts_at__lte=value)
        if value := filters.validated_data.get("status"):
            qs = qs.filter(status=value)
        return qs

    @extend_schema(
        tags=["events"],
        summary="List events",
        description="Public. Anonymous users and members see published events; organizers "
        "and admins see every status. Filter with `starts_after`, `starts_before`, `status`.",
        parameters=[EventFilterSerializer],
    )
    def get(self, request, *args, **kwargs):
        if has_role(request.user, *ORGANIZER_ROLES):
            return self.list(request, *args, **kwargs)
        # Everyone else sees the same published events: one answer, shared for a few
        # seconds (events/caching.py); the full URL (filters, page, host) is the key.
        return Response(
            public_cached(
                "api-events",
                lambda: self.list(request, *args, **kwargs).data,
                request.build_absolute_uri(),
            )
        )

    @extend_schema(
        tags=["events"],
        summary="Create an event",
        description="Organizers and admins. " + WRITE_RULES,
        request=EventWriteSerializer,
        responses={201: EventSerializer},
    )
    def post(self, request, *args, **kwargs):
        serializer = EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.event_create(actor=request.user, **serializer.validated_data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


class EventDetailView(GenericAPIView):
    permission_classes = [ReadOnlyOrOrganizer]
    serializer_class = EventSerializer
    partial_put = True  # PUT changes only the fields sent (see AutoSchema)

    def get_queryset(self):
        return event_list_for(self.request.user).select_related("banner")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        tags=["events"],
        summary="One event",
        description="Public (published events); "
        "organizers and admins see every status.",
    )
    def get(self, request, pk):
        if has_role(request.user, *ORGANIZER_ROLES):
            return Response(EventSerializer(self.get_object()).data)
        return Response(
            public_cached(
                "api-event", lambda: EventSerializer(self.get_object()).data, pk
            )
        )

    @extend_schema(
        tags=["events"],
        summary="Update an event",
        description="Organizers and admins. Fields left out keep their value. "
        + WRITE_RULES,
        request=EventWriteSerializer,
        responses={200: EventSerializer},
    )
    def put(self, request, pk):
        event = self.get_object()
        serializer = EventWriteSerializer(event, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        event = services.event_update(
            event=event,
            actor=request.user,
            **serializer.validated_data,
        )
        return Response(EventSerializer(self.get_queryset().get(pk=event.pk)).data)

    @extend_schema(
        tags=["events"],
        summary="Update part of an event",
        description="Organizers and admins. Same as PUT. " + WRITE_RULES,
        request=EventWriteSerializer,
        responses={200: EventSerializer},
    )
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(
        tags=["events"],
        summary="Delete an event",
        description="Organizers and admins. An event that has tickets is cancelled instead "
        "of deleted; the response says so (200). Otherwise 204.",
        responses={
            204: OpenApiResponse(description="Deleted"),
            200: inline_serializer(
                "EventCancelledInsteadOfDeleted",
                {"detail": serializers.CharField(), "event": EventSerializer()},
            ),
        },
    )
    def delete(self, request, pk):
        event = self.get_object()
        deleted = services.event_delete(event=event, actor=request.user)
        if deleted:
            return Response(status=status.HTTP_204_NO_CONTENT)
        event = self.get_queryset().get(pk=pk)
        return Response(
            {
                "detail": _(
                    "The event has tickets, so it was cancelled instead of deleted."
                ),
                "event": EventSerializer(event).data,
            },
            status=status.HTTP_200_OK,
        )
