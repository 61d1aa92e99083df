import zoneinfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.api.media import BannerSerializer
from events.models import Event, EventStatus
from media.models import Media
from spanglish import currency
from spanglish.api.fields import STRICT_FIELD_MAPPING, DateTimeField, StrictCharField
from spanglish.api.serializers import QueryParamsSerializer, StrictInputMixin
from spanglish.i18n import active_language, translated

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


@extend_schema_field(
    {
        "type": "string",
        "enum": sorted(currency.CURRENCIES),
        "description": "ISO 4217 code, e.g. EUR (lower case is read as capitals); "
        "`price` may have as many decimals as the currency has minor units (none "
        "for CLP or JPY).",
    }
)
class CurrencyField(StrictCharField):
    """An ISO 4217 code, as the schema lists them. Lower case is read as capitals,
    as the pages and the model always have."""

    default_error_messages = {
        "not_a_currency": _("“{input}” is not an ISO 4217 currency code.")
    }

    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data).upper()
        if not currency.is_currency(value):
            self.fail("not_a_currency", input=data)
        return value


TIME_ZONES = sorted(zoneinfo.available_timezones())


@extend_schema_field(
    {
        "type": "string",
        "enum": TIME_ZONES,
        "description": "IANA time zone, e.g. Europe/Madrid.",
    }
)
class TimeZoneField(StrictCharField):
    """An IANA time zone name, one of those the schema lists."""

    default_error_messages = {
        "not_a_zone": _(
            "“{input}” is not an IANA time zone (for example Europe/Madrid)."
        )
    }

    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in TIME_ZONE_SET:
            self.fail("not_a_zone", input=data)
        return value


TIME_ZONE_SET = frozenset(TIME_ZONES)


class RequestLanguageTextMixin:
    """Write serializers of events and series: `title` and `description` are the
    text in the request's language (Accept-Language), as a GET in that language
    shows them, and win over `title_<lang>`/`description_<lang>` sent beside them.

    Sent back unchanged (GET, edit another field, PUT the document), they change
    nothing, so `title_es`/`title_en` edited in the same body are kept; and a
    `title` that a GET showed from the other language (this one being empty) does
    not copy it over. See docs/api-compatibility.md, "Writing bilingual text"."""

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        lang = active_language()
        for plain in ("title", "description"):
            if plain not in values:
                continue
            value = values.pop(plain)
            shown = translated(self.instance, plain, lang) if self.instance else None
            if value != shown:
                values[f"{plain}_{lang}"] = value
        return values


class EventSerializer(SiteUrlMixin, serializers.ModelSerializer):
    """An event with both language versions and `title`/`description` in the
    request's language (falling back to the other). `banner` is the id of its
    banner image (null: none) and `banner_image` the image with its URLs."""

    serializer_field_mapping = STRICT_FIELD_MAPPING
    title = StrictCharField(read_only=True)
    description = StrictCharField(read_only=True)
    seats_left = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    banner = serializers.UUIDField(source="banner_id", read_only=True, allow_null=True)
    banner_image = serializers.SerializerMethodField()

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
            "banner",
            "banner_image",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(BannerSerializer(allow_null=True))
    def get_banner_image(self, event) -> dict | None:
        if event.banner_id is None:
            return None
        return BannerSerializer(event.banner).data


TITLE_HELP = (
    "The title in the request's language (Accept-Language); wins over "
    "`title_es`/`title_en` of that language. Sent back unchanged, it changes nothing."
)
DESCRIPTION_HELP = (
    "The description in the request's language; wins over `description_es`/"
    "`description_en` of that language. Sent back unchanged, it changes nothing."
)


class EventWriteSerializer(
    StrictInputMixin, RequestLanguageTextMixin, serializers.ModelSerializer
):
    """Input for create and update. `title`/`description` are the request's
    language (RequestLanguageTextMixin); what a GET shows may be sent back."""

    echo_of = EventSerializer
    serializer_field_mapping = STRICT_FIELD_MAPPING
    title = StrictCharField(
        write_only=True, required=False, max_length=200, help_text=TITLE_HELP
    )
    description = StrictCharField(
        write_only=True, required=False, allow_blank=True, help_text=DESCRIPTION_HELP
    )
    status = serializers.ChoiceField(choices=EventStatus.choices, required=False)
    currency = CurrencyField(required=False)
    banner = serializers.PrimaryKeyRelatedField(
        queryset=Media.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of an uploaded image (POST /api/media/upload) to show as the "
        "banner; null removes it.",
    )

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
            "banner",
        ]
        extra_kwargs = {
            "slug": {"required": False, "validators": []},
            "ends_at": {"help_text": "After `starts_at`."},
        }


class EventFilterSerializer(QueryParamsSerializer):
    starts_after = DateTimeField(required=False)
    starts_before = DateTimeField(required=False)
    status = serializers.ChoiceField(choices=EventStatus.choices, required=False)
