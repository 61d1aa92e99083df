from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from calendars.models import CalendarFeedToken, EventWidgetSettings, WidgetSettings
from calendars.validators import LABEL_CHARS, MAX_LABEL_LENGTH
from spanglish.api.fields import (
    STRICT_FIELD_MAPPING,
    DateTimeField,
    StrictCharField,
    character_class,
    trimmed_pattern,
)
from spanglish.api.serializers import StrictInputMixin

APPEARANCE = [
    "background_color",
    "text_color",
    "accent_color",
    "accent_text_color",
    "label_google",
    "label_outlook",
    "label_ics",
    "label_ticket",
    "language",
    "show_google",
    "show_outlook",
    "show_ics",
    "show_ticket",
]


# What the model's validators ask, as patterns: colours exactly; labels of the
# allowed characters (calendars.validators.LABEL_CHARS), up to the length limit.
COLOUR_PATTERN = trimmed_pattern("(?:#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}))?")
LABEL_PATTERN = trimmed_pattern(
    f"{character_class(LABEL_CHARS)}{{0,{MAX_LABEL_LENGTH}}}"
)
APPEARANCE_KWARGS = {
    **{
        name: {"style": {"openapi_pattern": COLOUR_PATTERN}}
        for name in [
            "background_color",
            "text_color",
            "accent_color",
            "accent_text_color",
        ]
    },
    **{
        name: {"style": {"openapi_pattern": LABEL_PATTERN}}
        for name in ["label_google", "label_outlook", "label_ics", "label_ticket"]
    },
}


def _language_field():
    # Same choice set as the profile's language, so the API schema shares one enum.
    return serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        allow_blank=True,
        help_text="Empty: the visitor's language.",
    )


class WidgetSettingsSerializer(StrictInputMixin, serializers.ModelSerializer):
    """Colours are #rgb/#rrggbb; labels are plain text (no < > { } ; and the like)."""

    serializer_field_mapping = STRICT_FIELD_MAPPING
    language = _language_field()
    # Null until the defaults are first saved.
    updated_at = DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = WidgetSettings
        fields = [*APPEARANCE, "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = APPEARANCE_KWARGS


class EventWidgetSettingsSerializer(StrictInputMixin, serializers.ModelSerializer):
    """Blank fields and null switches inherit the site-wide defaults."""

    serializer_field_mapping = STRICT_FIELD_MAPPING
    language = _language_field()
    # Null until the event's overrides are first saved.
    updated_at = DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = EventWidgetSettings
        fields = [*APPEARANCE, "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = APPEARANCE_KWARGS


class IframeCodeSerializer(serializers.Serializer):
    iframe_html = StrictCharField()
    widget_url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class FeedTokenSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    webcal_url = serializers.SerializerMethodField()

    class Meta:
        model = CalendarFeedToken
        fields = ["url", "webcal_url", "created_at", "rotated_at", "last_used_at"]
        read_only_fields = fields

    def _path(self, obj) -> str:
        return reverse("calendars:member_feed", kwargs={"token": obj.token})

    def get_url(self, obj) -> str:
        return settings.SITE_URL + self._path(obj)

    def get_webcal_url(self, obj) -> str:
        return "webcal://" + self.get_url(obj).split("://", 1)[1]


class ClickTimelineDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    clicks = serializers.IntegerField()
    by_type = serializers.DictField(child=serializers.IntegerField())


class EventStatsSerializer(serializers.Serializer):
    total_clicks = serializers.IntegerField()
    clicks_by_type = serializers.DictField(child=serializers.IntegerField())
    clicks_timeline = ClickTimelineDaySerializer(many=True)
    unique_visitor_days = serializers.IntegerField()
    time_zone = StrictCharField()
