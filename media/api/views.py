from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from media import services
from media.api.serializers import MediaSerializer, MediaUploadSerializer
from media.models import Media
from spanglish.api.permissions import IsOrganizer
from spanglish.api.throttling import ScopedRateThrottle


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The file is too large."


def _too_large() -> PayloadTooLarge:
    limit = f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:g}"
    return PayloadTooLarge(
        _("The file is larger than %(limit)s MB.") % {"limit": limit}
    )


class MediaUploadView(APIView):
    permission_classes = [IsOrganizer]
    throttle_classes = [ScopedRateThrottle]
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
        media = services.media_upload(
            file=data["file"],
            event=data.get("event"),
            role=data.get("role", ""),
            alt_es=data.get("alt_es", ""),
            alt_en=data.get("alt_en", ""),
            uploaded_by=request.user,
            request=request,
        )
        media.refresh_from_db()  # variants, when the worker already ran (immediate)
        return Response(
            MediaSerializer(media, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class MediaDetailView(APIView):
    permission_classes = [IsOrganizer]

    def get_object(self, pk) -> Media:
        return get_object_or_404(Media, pk=pk)

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
        services.media_delete(
            media=self.get_object(pk), actor=request.user, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
