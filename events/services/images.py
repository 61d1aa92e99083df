"""Images of an event: upload one as its banner or into its gallery, delete one.

The link lives in events (EventImage: events → media); media stores the file and
knows no event, so every upload or delete that concerns an event comes here.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from events.models import Event, EventImage
from events.services.events import event_update
from media.imaging import CleanImage
from media.models import Media, MediaRole
from media.services import media_create, media_delete, upload_read


@transaction.atomic
def event_image_create(
    *,
    image: CleanImage,
    event: Event | None = None,
    role: str = "",
    alt_es: str = "",
    alt_en: str = "",
    uploaded_by=None,
) -> Media:
    """Store a sanitised image; with an event it joins the event's gallery (the
    default) or becomes its banner at once (audited as an event update). A role
    needs an event. No event: a plain stored image."""
    if event is not None and not role:
        role = MediaRole.GALLERY
    if role and event is None:
        raise ValidationError(
            {"event": _("A banner or gallery photo needs an event.")}, code="required"
        )

    def attach(media: Media) -> None:
        if event is None:
            return
        EventImage.objects.create(media=media, event=event)
        if role == MediaRole.BANNER:
            event_update(event=event, banner=media, actor=uploaded_by)

    return media_create(
        image=image,
        role=role,
        alt_es=alt_es,
        alt_en=alt_en,
        uploaded_by=uploaded_by,
        audit_changes={"event": str(event.pk) if event else ""},
        on_saved=attach,
    )


def event_image_upload(*, file, **kwargs) -> Media:
    """Validate an uploaded file (raises ValidationError on `file`) and store it
    as `event_image_create` does."""
    return event_image_create(image=upload_read(file=file), **kwargs)


@transaction.atomic
def event_image_delete(*, media: Media, actor=None) -> None:
    """Delete an image. Events using it as their banner are detached first (banner
    set to none, audited); the files leave storage after commit. Locks the image
    row, then each event row."""
    media = Media.objects.select_for_update().get(pk=media.pk)
    for event in Event.objects.select_for_update().filter(banner=media):
        event_update(event=event, banner=None, actor=actor)
    media_delete(media=media, actor=actor)
