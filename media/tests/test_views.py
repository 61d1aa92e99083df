import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from events.models import EventStatus
from events.services import event_image_upload
from events.tests.factories import EventFactory
from media.models import Media
from media.tests import images

pytestmark = pytest.mark.django_db


def add_image(capture, *, event, role, user, size=(2000, 1000), alt_en=""):
    file = SimpleUploadedFile("p.jpg", images.jpeg(size), content_type="image/jpeg")
    with capture(execute=True):
        media = event_image_upload(
            file=file, event=event, role=role, uploaded_by=user, alt_en=alt_en
        )
    media.refresh_from_db()
    return media


def detail_url(event):
    with translation.override("en"):
        return reverse("events:detail", kwargs={"slug": event.slug})


def past_event():
    start = timezone.now() - timedelta(days=7)
    return EventFactory(
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        status=EventStatus.COMPLETED,
    )


def test_event_page_shows_a_responsive_banner(
    client, organizer, django_capture_on_commit_callbacks
):
    event = EventFactory()
    banner = add_image(
        django_capture_on_commit_callbacks,
        event=event,
        role="banner",
        user=organizer,
        alt_en="People talking at a bar",
    )
    html = client.get(detail_url(event)).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
    assert '<source type="image/webp"' in picture
    for width in (400, 800, 1600):
        assert f"-{width}w.webp {width}w" in picture
        assert f"-{width}w.jpg {width}w" in picture
    assert 'sizes="' in picture
    assert f'width="{banner.width}" height="{banner.height}"' in picture
    assert 'alt="People talking at a bar"' in picture
    assert 'loading="lazy"' not in picture  # above the fold: load at once
    assert 'src="/uploads/media/' in picture and '-800w.jpg"' in picture


def test_banner_alt_falls_back_to_the_event_title(
    client, organizer, django_capture_on_commit_callbacks
):
    event = EventFactory(title_en="Tapas night")
    add_image(
        django_capture_on_commit_callbacks, event=event, role="banner", user=organizer
    )
    html = client.get(detail_url(event)).content.decode()
    assert 'alt="Tapas night"' in html


def test_past_event_shows_its_gallery_lazily(
    client, organizer, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    event = past_event()
    for _ in range(3):
        add_image(
            django_capture_on_commit_callbacks,
            event=event,
            role="gallery",
            user=organizer,
            size=(900, 600),
        )
    with django_assert_max_num_queries(8):
        html = client.get(detail_url(event)).content.decode()
    gallery = re.search(r'<section class="gallery".*?</section>', html, re.S).group(0)
    assert "<h2" in gallery and "Photos" in gallery
    assert gallery.count("<picture>") == 3
    assert gallery.count('loading="lazy"') == 3
    assert gallery.count('width="900" height="600"') == 3
    assert "-400w.webp 400w" in gallery
    assert 'alt="Photo from ' in gallery


def test_upcoming_event_shows_no_gallery(
    client, organizer, django_capture_on_commit_callbacks
):
    event = EventFactory()
    add_image(
        django_capture_on_commit_callbacks, event=event, role="gallery", user=organizer
    )
    html = client.get(detail_url(event)).content.decode()
    assert 'class="gallery"' not in html


def test_image_before_variants_are_made_still_shows(client, organizer):
    event = EventFactory()
    file = SimpleUploadedFile("p.png", images.png(), content_type="image/png")
    # No commit callbacks run: the worker has not made the variants yet.
    media = event_image_upload(
        file=file, event=event, role="banner", uploaded_by=organizer
    )
    assert media.variants == []
    html = client.get(detail_url(event)).content.decode()
    assert f'src="{media.url}"' in html
    assert f'width="{media.width}"' in html


@pytest.mark.urls("media.tests.urls_serving")
@pytest.mark.parametrize(
    ("fmt", "content_type"), [("webp", "image/webp"), ("jpeg", "image/jpeg")]
)
def test_uploads_are_served_with_their_type_and_nosniff(
    client, organizer, django_capture_on_commit_callbacks, fmt, content_type
):
    media = add_image(
        django_capture_on_commit_callbacks,
        event=EventFactory(),
        role="banner",
        user=organizer,
    )
    url = media.variants_of(fmt)[0]["url"]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    original = client.get(media.url)
    assert original["Content-Type"] == "image/jpeg"
    assert original["X-Content-Type-Options"] == "nosniff"


def test_admin_uploads_with_preview_and_lists_thumbnails(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    add_page = client.get("/admin/media/media/add/").content.decode()
    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in add_page
    assert "media/admin-preview.js" in add_page
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/media/media/add/",
            {
                "upload": SimpleUploadedFile(
                    "x.jpg", images.jpeg_with_exif(), "image/jpeg"
                ),
                "event": str(event.pk),
                "role": "banner",
                "alt_es": "Una sala",
                "alt_en": "A room",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    media = Media.objects.get()
    assert media.uploaded_by == admin_user
    assert media.variants_ready
    event.refresh_from_db()
    assert event.banner == media
    listing = client.get("/admin/media/media/").content.decode()
    assert re.search(r'<img src="/uploads/media/[^"]+-400w\.jpg" width="80"', listing)
    assert "style=" not in re.search(
        r"<img[^>]*media-admin-thumb[^>]*>", listing
    ).group(0)
    change = client.get(f"/admin/media/media/{media.pk}/change/").content.decode()
    assert "-400w.webp" in change and "-400w.jpg" in change


def test_admin_refuses_a_bad_file_with_a_form_error(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/media/media/add/",
        {"upload": SimpleUploadedFile("x.svg", images.SVG, "image/svg+xml")},
    )
    assert response.status_code == 200
    assert (
        "This file is not a JPEG, PNG, WebP or GIF image." in response.content.decode()
    )
    assert not Media.objects.exists()


def test_admin_delete_detaches_the_banner(
    client, admin_user, organizer, django_capture_on_commit_callbacks
):
    event = EventFactory()
    media = add_image(
        django_capture_on_commit_callbacks, event=event, role="banner", user=organizer
    )
    client.force_login(admin_user)
    response = client.post(f"/admin/media/media/{media.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.banner is None
    assert not Media.objects.exists()
