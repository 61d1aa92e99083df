"""The media API: upload an image (optionally as an event's banner or gallery
photo), read one, delete one. It lives in events because an image's event is
events' knowledge (events.EventImage); paths, names and schema are the media API's
(`/api/media/...`, tag "media")."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from events.models import Event
from events.services import event_image_delete, event_image_upload
from media.models import Media, MediaRole
from spanglish.api.permissions import IsOrganizer
from spanglish.api.serializers import InputSerializer
from spanglish.api.throttling import APIRateThrottle, ScopedRateThrottle


def _absolute(request, url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    # Event answers are shared between callers (events/caching.py): no request.
    return request.build_absolute_uri(url) if request else settings.SITE_URL + url


class VariantSerializer(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.ChoiceField(choices=["webp", "jpeg"])
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.URLField()


class ImageURLsSerializer(serializers.Serializer):
    """An image's URLs, absolute: the clean original and its resized variants."""

    url = serializers.SerializerMethodField()
    variants = serializers.SerializerMethodField()
    variants_ready = serializers.BooleanField(read_only=True)

    def get_url(self, media) -> str:
        return _absolute(self.context.get("request"), media.url)

    @extend_schema_field(VariantSerializer(many=True))
    def get_variants(self, media) -> list[dict]:
        return _variants(self.context.get("request"), media)


class MediaSerializer(ImageURLsSerializer, serializers.ModelSerializer):
    """A stored image: its URL (the clean original) and its resized variants.
    `variants` is empty until the background worker has made them
    (`variants_ready` says which)."""

    # The event the image belongs to (events.EventImage), or null.
    event = serializers.UUIDField(
        source="event_image.event_id",
        read_only=True,
        allow_null=True,
        label=capfirst(gettext_lazy("event")),  # as a model field's label
    )

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


class BannerSerializer(ImageURLsSerializer, serializers.ModelSerializer):
    """An event's banner: the clean original, its resized variants (empty until the
    worker has made them) and its alt text (`alt` in the request's language)."""

    alt = serializers.CharField(read_only=True)

    class Meta:
        model = Media
        fields = [
            "id",
            "url",
            "content_type",
            "width",
            "height",
            "alt",
            "alt_es",
            "alt_en",
            "variants_ready",
            "variants",
        ]
        read_only_fields = fields


def _variants(request, media) -> list[dict]:
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


class MediaUploadSerializer(InputSerializer):
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


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = gettext_lazy("The file is too large.")


def _too_large() -> PayloadTooLarge:
    limit = f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:g}"
    return PayloadTooLarge(
        _("The file is larger than %(limit)s MB.") % {"limit": limit}
    )


class MediaUploadView(APIView):
    permission_classes = [IsOrganizer]
    throttle_classes = [APIRateThrottle, ScopedRateThrottle]
    throttle_scope = "user_write"
    parser_classes = [MultiPartParser]  # a file needs multipart

    @extend_schema(
        tags=["media"],
        summary="Upload an image",
        description=(
            "Organizers and admins. Multipart form with `file` (JPEG, PNG, WebP or "
            "GIF; any name or declared type — the content decides), optional `event`, "
            "`role` (`banner` makes it the event's banner, `gallery` adds it to the "
            "event's photos; the default with an event) and `alt_es`/`alt_en`. "
            "The image is re-encoded without metadata (EXIF/GPS) and stored under a "
            "generated name. 413 over UPLOAD_MAX_BYTES; 400 for anything that is not "
            "a readable image, or over MEDIA_MAX_PIXELS. Variants are made by the "
            "background worker (`variants_ready`)."
        ),
        request=MediaUploadSerializer,
        responses={201: MediaSerializer},
    )
    def post(self, request):
        # Refuse an oversized body before parsing it at all.
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise _too_large()
        serializer = MediaUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["file"].size > settings.UPLOAD_MAX_BYTES:
            raise _too_large()
        media = event_image_upload(
            file=data["file"],
            event=data.get("event"),
            role=data.get("role", ""),
            alt_es=data.get("alt_es", ""),
            alt_en=data.get("alt_en", ""),
            uploaded_by=request.user,
        )
        media.refresh_from_db()  # variants, when the worker already ran (immediate)
        return Response(
            MediaSerializer(media, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class MediaDetailView(APIView):
    permission_classes = [IsOrganizer]

    def get_object(self, pk) -> Media:
        return get_object_or_404(Media.objects.select_related("event_image"), pk=pk)

    @extend_schema(
        tags=["media"],
        summary="One media file",
        description="Organizers and admins. The image with its URL and variants.",
        responses={200: MediaSerializer},
    )
    def get(self, request, pk):
        return Response(
            MediaSerializer(self.get_object(pk), context={"request": request}).data
        )

    @extend_schema(
        tags=["media"],
        summary="Delete a media file",
        description=(
            "Organizers and admins. An event using it as its banner is left without "
            "a banner (never a broken link); the files are removed from storage."
        ),
        responses={204: OpenApiResponse(description="Deleted")},
    )
    def delete(self, request, pk):
        event_image_delete(media=self.get_object(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
