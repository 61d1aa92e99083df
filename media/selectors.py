"""Reads of media that pages, API and admin share."""

from django.db.models import QuerySet

from media.models import Media


def event_gallery(*, event) -> QuerySet[Media]:
    """An event's gallery photos, oldest first."""
    return Media.objects.gallery_of(event)
