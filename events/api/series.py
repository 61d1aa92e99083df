"""Series API: list, read, create, change all future sessions, skip a date."""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from events import services as series_services
from events.api.serializers import (
    DESCRIPTION_HELP,
    PLACE_AND_PRICE_FIELDS,
    TEXT_FIELDS,
    TITLE_HELP,
    CurrencyField,
    RequestLanguageTextMixin,
    SiteUrlMixin,
    TimeZoneField,
)
from events.models import EventSeries
from events.series_selectors import series_list_for, series_upcoming_sessions
from spanglish.api.fields import STRICT_FIELD_MAPPING, DateTimeField, StrictCharField
from spanglish.api.permissions import IsOrganizer, ReadOnlyOrOrganizer
from spanglish.api.serializers import InputSerializer, StrictInputMixin

SESSIONS_SHOWN = 12

# What the schema cannot say (schemathesis.toml names the same rules).
SERIES_RULES = (
    "`title`/`description` are the request's language and win over that "
    "language's `title_es`/`title_en`; sent back unchanged they change nothing. "
    "Fields a GET shows may be sent back and are ignored; any other unknown field "
    "is a 400 naming it. Refused with 400: `until` before `start_date`, both "
    "`until` and `count`, no title in either language, more decimals in `price` "
    "than the currency has, a `slug` another series uses."
)


class SeriesSessionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = StrictCharField()
    occurrence_date = serializers.DateField()
    starts_at = DateTimeField()
    ends_at = DateTimeField()
    status = StrictCharField()
    seats_left = serializers.IntegerField()
    is_detached = serializers.BooleanField()


class SeriesSerializer(SiteUrlMixin, serializers.ModelSerializer):
    """A series with both language versions and `title`/`description` in the
    request's language. Dates and `start_time` are local to `time_zone`."""

    title = StrictCharField(read_only=True)
    description = StrictCharField(read_only=True)
    duration_minutes = serializers.SerializerMethodField()
    next_starts_at = DateTimeField(read_only=True, default=None, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = EventSeries
        fields = [
            "id",
            "public_id",
            "slug",
            "title",
            "description",
            *TEXT_FIELDS,
            *PLACE_AND_PRICE_FIELDS,
            "time_zone",
            "frequency",
            "start_date",
            "start_time",
            "duration_minutes",
            "until",
            "count",
            "session_status",
            "skipped_dates",
            "next_starts_at",
            "url",
        ]
        read_only_fields = fields

    def get_duration_minutes(self, series) -> int:
        return int(series.duration.total_seconds() // 60)


class SeriesDetailSerializer(SeriesSerializer):
    sessions = serializers.SerializerMethodField()

    class Meta(SeriesSerializer.Meta):
        fields = [*SeriesSerializer.Meta.fields, "sessions"]
        read_only_fields = fields

    def get_sessions(self, series) -> list[dict]:
        user = self.context.get("user")
        sessions = series_upcoming_sessions(series=series, user=user)
        return SeriesSessionSerializer(sessions[:SESSIONS_SHOWN], many=True).data


class SeriesWriteSerializer(
    StrictInputMixin, RequestLanguageTextMixin, serializers.ModelSerializer
):
    """Input for create and update. `title`/`description` are the request's
    language (RequestLanguageTextMixin); what a GET shows may be sent back."""

    echo_of = SeriesDetailSerializer
    serializer_field_mapping = STRICT_FIELD_MAPPING
    title = StrictCharField(
        write_only=True, required=False, max_length=200, help_text=TITLE_HELP
    )
    description = StrictCharField(
        write_only=True, required=False, allow_blank=True, help_text=DESCRIPTION_HELP
    )
    currency = CurrencyField(required=False)
    time_zone = TimeZoneField(required=False)
    duration_minutes = serializers.IntegerField(
        required=False, min_value=1, max_value=24 * 60
    )
    from_date = serializers.DateField(
        required=False,
        help_text="Update only: apply to sessions from this local date (default today).",
    )

    class Meta:
        model = EventSeries
        fields = [
            "slug",
            "title",
            "description",
            *TEXT_FIELDS,
            *PLACE_AND_PRICE_FIELDS,
            "time_zone",
            "frequency",
            "start_date",
            "start_time",
            "duration_minutes",
            "until",
            "count",
            "session_status",
            "from_date",
        ]
        extra_kwargs = {
            "slug": {"required": False, "validators": []},
            "until": {
                "help_text": "Not before `start_date`; give `until` or `count`, "
                "not both."
            },
        }

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "duration_minutes" in values:
            values["duration"] = timedelta(minutes=values.pop("duration_minutes"))
        return values


class SkipSerializer(InputSerializer):
    date = serializers.DateField(
        help_text="The local date to skip (YYYY-MM-DD): one of the series' dates."
    )


def _series_data(request, series) -> dict:
    """The series as the caller may see it (annotated), with its upcoming sessions."""
    series = series_list_for(request.user).get(pk=series.pk)
    return SeriesDetailSerializer(series, context={"user": request.user}).data


class SeriesListCreateView(GenericAPIView):
    permission_classes = [ReadOnlyOrOrganizer]
    serializer_class = SeriesSerializer

    def get_queryset(self):
        return series_list_for(self.request.user).order_by("start_date", "slug")

    @extend_schema(
        tags=["series"],
        summary="List event series",
        operation_id="series_list",
        description="Public. Anonymous users and members see series with published "
        "sessions; organizers and admins see every series. Paginated.",
        responses={200: SeriesSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SeriesSerializer(page, many=True).data)

    @extend_schema(
        tags=["series"],
        summary="Create an event series",
        description="Organizers and admins. Sessions are generated up to 12 weeks "
        "ahead (or the series' end). " + SERIES_RULES,
        request=SeriesWriteSerializer,
        responses={201: SeriesDetailSerializer},
    )
    def post(self, request):
        serializer = SeriesWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("from_date", None)
        series = series_services.series_create(actor=request.user, **values)
        return Response(_series_data(request, series), status=status.HTTP_201_CREATED)


class SeriesDetailView(GenericAPIView):
    permission_classes = [ReadOnlyOrOrganizer]
    serializer_class = SeriesDetailSerializer
    partial_put = True  # PUT changes only the fields sent (see AutoSchema)

    def get_queryset(self):
        return series_list_for(self.request.user)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def _answer(self, series):
        return Response(_series_data(self.request, series))

    @extend_schema(
        tags=["series"],
        summary="One event series with its upcoming sessions",
        operation_id="series_retrieve",
        description="Public (series with published sessions); organizers and admins "
        "see every series and draft sessions.",
    )
    def get(self, request, pk):
        return self._answer(self.get_object())

    @extend_schema(
        tags=["series"],
        summary="Change a series and all its future sessions",
        description="Organizers and admins. Fields left out keep their value. Applies "
        "to every future session not edited on its own, from `from_date` (default "
        "today); booked sessions are updated or moved, never deleted. " + SERIES_RULES,
        request=SeriesWriteSerializer,
        responses={200: SeriesDetailSerializer},
    )
    def put(self, request, pk):
        series = self.get_object()
        serializer = SeriesWriteSerializer(series, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        result = series_services.series_update_future(
            series=series,
            from_date=values.pop("from_date", None),
            actor=request.user,
            **values,
        )
        return self._answer(result.series)

    @extend_schema(
        tags=["series"],
        summary="Change part of a series and all its future sessions",
        description="Organizers and admins. Same as PUT. " + SERIES_RULES,
        request=SeriesWriteSerializer,
        responses={200: SeriesDetailSerializer},
    )
    def patch(self, request, pk):
        return self.put(request, pk)


class SeriesSkipView(GenericAPIView):
    permission_classes = [IsOrganizer]
    serializer_class = SkipSerializer

    @extend_schema(
        tags=["series"],
        summary="Skip one date of a series",
        description="Organizers and admins. The session of that date is removed (or "
        "cancelled when it has tickets) and the date stays skipped.",
        request=SkipSerializer,
        responses={200: SeriesDetailSerializer},
    )
    def post(self, request, pk):
        series = get_object_or_404(EventSeries, pk=pk)
        serializer = SkipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        series_services.session_skip(
            series=series,
            day=serializer.validated_data["date"],
            actor=request.user,
        )
        return Response(_series_data(request, series))
