from django.conf import settings
from rest_framework import serializers

from events.models import Event, EventStatus
from spanglish.api.fields import STRICT_FIELD_MAPPING, StrictCharField
from spanglish.api.serializers import QueryParamsSerializer

# What an event and a series both describe (events.models.EventDetails), in the
# order every representation lists them.
TEXT_FIELDS = ["title_es", "title_en", "description_es", "description_en"]
PLACE_AND_PRICE_FIELDS = [
    "venue_name",
    "venue_address",
    "map_url",
    "price",
    "currency",
    "capacity",
]


class SiteUrlMixin:
    """`url`: the object's page as a full address (events and series alike)."""

    def get_url(self, obj) -> str:
        return settings.SITE_URL + obj.get_absolute_url()


class DefaultLanguageTextMixin:
    """Write serializers of events and series: `title`/`description` alone are
    stored in the site's default language."""

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        lang = settings.LANGUAGE_CODE
        for plain in ("title", "description"):
            if plain in values:
                values.setdefault(f"{plain}_{lang}", values.pop(plain))
        return values


class EventSerializer(SiteUrlMixin, serializers.ModelSerializer):
    """An event with both language versions and `title`/`description` in the
    request's language (falling back to the other)."""

    serializer_field_mapping = STRICT_FIELD_MAPPING
    title = StrictCharField(read_only=True)
    description = StrictCharField(read_only=True)
    seats_left = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "public_id",
            "slug",
            "title",
            "description",
            *TEXT_FIELDS,
            "starts_at",
            "ends_at",
            *PLACE_AND_PRICE_FIELDS,
            "seats_left",
            "status",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EventWriteSerializer(DefaultLanguageTextMixin, serializers.ModelSerializer):
    """Input for create and update. `title`/`description` alone are stored in the
    site's default language."""

    serializer_field_mapping = STRICT_FIELD_MAPPING
    title = StrictCharField(write_only=True, required=False, max_length=200)
    description = StrictCharField(write_only=True, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=EventStatus.choices, required=False)

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "description",
            *TEXT_FIELDS,
            "starts_at",
            "ends_at",
            *PLACE_AND_PRICE_FIELDS,
            "status",
        ]
        extra_kwargs = {"slug": {"required": False, "validators": []}}


class EventFilterSerializer(QueryParamsSerializer):
    starts_after = serializers.DateTimeField(required=False)
    starts_before = serializers.DateTimeField(required=False)
    status = serializers.ChoiceField(choices=EventStatus.choices, required=False)
