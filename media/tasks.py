"""Background work: variants are made by the task worker (`manage.py db_worker` in
production, immediately in the web process in development and tests)."""

from django.tasks import task

from media.models import Media
from media.variants import media_variants_generate


@task
def media_variants_task(*, media_id: str) -> int:
    """Returns how many variant files were written (0 when the media is gone)."""
    media = Media.objects.filter(pk=media_id).first()
    if media is None:
        return 0
    return len(media_variants_generate(media=media).variants)
