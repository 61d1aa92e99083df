from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from calendars import services
from calendars.api.serializers import (
    EventStatsSerializer,
    EventWidgetSettingsSerializer,
    FeedTokenSerializer,
    IframeCodeSerializer,
    WidgetSettingsSerializer,
)
from calendars.embed import (
    WIDGET_WIDTH,
    event_widget_height,
    iframe_html,
    widget_url,
)
from calendars.models import EventWidgetSettings
from calendars.selectors import event_click_stats, widget_defaults
from events.models import Event
from spanglish.api.permissions import IsOrganizer


class IframeSettingsView(GenericAPIView):
    permission_classes = [IsOrganizer]
    serializer_class = WidgetSettingsSerializer
    partial_put = True  # PUT changes only the fields sent (see AutoSchema)

    def get_object(self):
        return widget_defaults()

    @extend_schema(
        tags=["calendars"],
        summary="Widget defaults",
        description="Organizers and admins. Site-wide appearance of the event widget.",
    )
    def get(self, request):
        return Response(WidgetSettingsSerializer(widget_defaults()).data)

    @extend_schema(
        tags=["calendars"],
        summary="Change the widget defaults",
        description="Organizers and admins. Colours must be #rgb or #rrggbb; labels "
        "are plain text (no < > { } ; and the like). Omitted fields keep their value.",
    )
    def put(self, request):
        serializer = WidgetSettingsSerializer(
            widget_defaults(), data=request.data, partial=True
        )
        serializer.is_valid(raise_exception=True)
        obj = services.widget_settings_update(
            actor=request.user, **serializer.validated_data
        )
        return Response(WidgetSettingsSerializer(obj).data)

    patch = put


class EventIframeSettingsView(GenericAPIView):
    permission_classes = [IsOrganizer]
    serializer_class = EventWidgetSettingsSerializer
    partial_put = True  # PUT changes only the fields sent (see AutoSchema)

    def _current(self, event):
        return EventWidgetSettings.objects.filter(
            event=event
        ).first() or EventWidgetSettings(event=event)

    def get_object(self):
        return self._current(get_object_or_404(Event, pk=self.kwargs["pk"]))

    @extend_schema(
        tags=["calendars"],
        summary="An event's widget overrides",
        description="Organizers and admins. Blank values inherit the site defaults.",
    )
    def get(self, request, pk):
        event = get_object_or_404(Event, pk=pk)
        return Response(EventWidgetSettingsSerializer(self._current(event)).data)

    @extend_schema(
        tags=["calendars"],
        summary="Change an event's widget overrides",
        description="Organizers and admins. Same validation as the site defaults.",
    )
    def put(self, request, pk):
        event = get_object_or_404(Event, pk=pk)
        serializer = EventWidgetSettingsSerializer(
            self._current(event), data=request.data, partial=True
        )
        serializer.is_valid(raise_exception=True)
        obj = services.event_widget_settings_update(
            event=event,
            actor=request.user,
            **serializer.validated_data,
        )
        return Response(EventWidgetSettingsSerializer(obj).data)

    patch = put


class IframeCodeView(GenericAPIView):
    permission_classes = [IsOrganizer]
    serializer_class = IframeCodeSerializer

    @extend_schema(
        tags=["calendars"],
        summary="Embed code of an event's widget",
        description="Organizers and admins. The <iframe> snippet partner sites paste, "
        "with its size and an accessible title.",
    )
    def get(self, request, pk):
        event = get_object_or_404(Event, pk=pk)
        data = {
            "iframe_html": iframe_html(event),
            "widget_url": widget_url(event),
            "width": WIDGET_WIDTH,
            "height": event_widget_height(event),
        }
        return Response(IframeCodeSerializer(data).data)


class EventStatsView(GenericAPIView):
    permission_classes = [IsOrganizer]
    serializer_class = EventStatsSerializer

    @extend_schema(
        tags=["calendars"],
        summary="Click statistics of an event",
        description="Organizers and admins. Clicks in total, per button, and per day "
        "in the site's time zone.",
    )
    def get(self, request, pk):
        event = get_object_or_404(Event, pk=pk)
        return Response(EventStatsSerializer(event_click_stats(event=event)).data)


class FeedTokenView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FeedTokenSerializer

    @extend_schema(
        tags=["calendars"],
        summary="My private calendar feed",
        description="Any signed-in user, for themselves: the secret URL of a feed of "
        "the events they booked (created on first call).",
    )
    def get(self, request):
        token = services.feed_token_get_or_create(user=request.user)
        return Response(FeedTokenSerializer(token).data)

    @extend_schema(
        tags=["calendars"],
        summary="Replace my feed URL",
        description="Any signed-in user, for themselves: a new secret URL; the old "
        "one stops working at once.",
        request=None,
        responses={201: FeedTokenSerializer},
    )
    def post(self, request):
        token = services.feed_token_rotate(user=request.user)
        return Response(FeedTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["calendars"],
        summary="Revoke my feed URL",
        description="Any signed-in user, for themselves: the feed URL stops working.",
        responses={204: None},
    )
    def delete(self, request):
        services.feed_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
