from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import Event
from media.models import Media, MediaRole


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request and url else url


class VariantSerializer(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.ChoiceField(choices=["webp", "jpeg"])
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.URLField()


class MediaSerializer(serializers.ModelSerializer):
    """A stored image: its URL (the clean original) and its resized variants.
    `variants` is empty until the background worker has made them
    (`variants_ready` says which)."""

    url = serializers.SerializerMethodField()
    variants = serializers.SerializerMethodField()
    variants_ready = serializers.BooleanField(read_only=True)

    class Meta:
        model = Media
        fields = [
            "id",
            "type",
            "url",
            "content_type",
            "event",
            "role",
            "alt_es",
            "alt_en",
            "width",
            "height",
            "size",
            "content_hash",
            "variants_ready",
            "variants",
            "uploaded_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_url(self, media) -> str:
        return _absolute(self.context.get("request"), media.url)

    @extend_schema_field(VariantSerializer(many=True))
    def get_variants(self, media) -> list[dict]:
        request = self.context.get("request")
        rows = [
            {
                "width": v["width"],
                "height": v["height"],
                "format": v["format"],
                "content_type": f"image/{v['format']}",
                "size": v["size"],
                "url": _absolute(request, v["url"]),
            }
            for fmt in ("webp", "jpeg")
            for v in media.variants_of(fmt)
        ]
        return VariantSerializer(rows, many=True).data


class MediaUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="JPEG, PNG, WebP or GIF (first frame). Re-encoded; metadata removed."
    )
    event = serializers.PrimaryKeyRelatedField(
        queryset=Event.objects.all(), required=False, allow_null=True
    )
    role = serializers.ChoiceField(
        choices=MediaRole.choices,
        required=False,
        allow_blank=True,
        help_text="banner (becomes the event's banner) or gallery (default with an event).",
    )
    alt_es = serializers.CharField(max_length=300, required=False, allow_blank=True)
    alt_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
