import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from community.models import AuditLog
from events.tests.factories import EventFactory
from media.models import Media
from media.tests import images

URL = "/api/media/upload"


def upload(client, data: bytes, name="photo.jpg", content_type="image/jpeg", **fields):
    file = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(URL, {"file": file, **fields}, format="multipart")


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def all_stored_files(media: Media) -> list[bytes]:
    return [stored(media.file.name), *(stored(v["name"]) for v in media.variants)]


@pytest.fixture
def organizer_client(auth_client, organizer):
    return auth_client(organizer)


@pytest.mark.parametrize(
    ("data", "name", "content_type", "stored_type"),
    [
        (images.jpeg(), "a.jpg", "image/jpeg", "image/jpeg"),
        (images.png(), "b.png", "image/png", "image/png"),
        (images.webp(), "c.webp", "image/webp", "image/webp"),
        (images.animated_gif(), "d.gif", "image/gif", "image/png"),
    ],
    ids=["jpeg", "png", "webp", "gif"],
)
def test_organizer_uploads_each_accepted_format_and_gets_url_and_variants(
    organizer_client,
    django_capture_on_commit_callbacks,
    data,
    name,
    content_type,
    stored_type,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(organizer_client, data, name, content_type, alt_en="A room")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == stored_type
    assert body["url"].startswith("http://testserver/uploads/media/")
    assert body["alt_en"] == "A room"
    # The response was written before the worker ran; the worker has run now.
    detail = organizer_client.get(f"/api/media/{body['id']}").json()
    assert detail["variants_ready"] is True
    assert {v["format"] for v in detail["variants"]} == {"webp", "jpeg"}
    for variant in detail["variants"]:
        assert variant["url"].startswith("http://testserver/uploads/media/")


def test_variants_are_400_800_1600_wide_in_webp_and_jpeg(
    organizer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(organizer_client, images.jpeg((2400, 1600)))
    media = Media.objects.get(pk=response.json()["id"])
    got = sorted((v["format"], v["width"], v["height"]) for v in media.variants)
    assert got == [
        ("jpeg", 400, 267),
        ("jpeg", 800, 533),
        ("jpeg", 1600, 1067),
        ("webp", 400, 267),
        ("webp", 800, 533),
        ("webp", 1600, 1067),
    ]
    for variant in media.variants:
        with Image.open(io.BytesIO(stored(variant["name"]))) as img:
            assert img.format == variant["format"].upper()
            assert img.size == (variant["width"], variant["height"])


def test_name_and_declared_type_are_ignored_and_names_are_generated(
    organizer_client,
):
    response = upload(
        organizer_client, images.jpeg(), name="../../evil.php", content_type="text/html"
    )
    assert response.status_code == 201
    media = Media.objects.get(pk=response.json()["id"])
    assert media.file.name == f"media/{media.id.hex[:2]}/{media.id.hex}.jpg"
    assert "evil" not in response.json()["url"]
    assert media.content_type == "image/jpeg"


def test_png_with_php_payload_is_stored_without_it(
    organizer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            organizer_client, images.png((1800, 900)) + images.PAYLOAD, name="x.php.png"
        )
    assert response.status_code == 201
    media = Media.objects.get(pk=response.json()["id"])
    files = all_stored_files(media)
    assert len(files) == 1 + 6
    for data in files:
        assert b"<?php" not in data
        assert b"<script" not in data


def test_gps_and_camera_data_are_gone_from_every_stored_file(
    organizer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(organizer_client, images.jpeg_with_exif((1000, 500), 6))
    media = Media.objects.get(pk=response.json()["id"])
    assert (media.width, media.height) == (500, 1000)  # orientation applied
    for data in all_stored_files(media):
        assert b"SpyCam" not in data
        with Image.open(io.BytesIO(data)) as img:
            assert not img.getexif()
            assert img.height > img.width


@pytest.mark.parametrize(
    ("data", "code_word"),
    [
        (images.SVG, "not"),
        (images.HTML_WITH_GIF_HEADER, ""),
        (images.png_header_bomb(), "megapixels"),
        (images.jpeg()[:5000], "truncated"),
        (b"just text", "not"),
    ],
    ids=["svg", "html-polyglot", "decompression-bomb", "truncated", "text"],
)
def test_bad_files_are_refused_with_a_clear_400_and_nothing_stored(
    organizer_client, data, code_word
):
    response = upload(organizer_client, data, name="x.png", content_type="image/png")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "file" in error["fields"]
    assert code_word in error["message"]
    assert not Media.objects.exists()
    assert not default_storage.exists("media")


def test_oversized_file_is_refused_with_413(organizer_client, settings):
    settings.UPLOAD_MAX_BYTES = 20_000
    response = upload(organizer_client, images.png((400, 400)))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert "MB" in response.json()["error"]["message"]
    assert not Media.objects.exists()


def test_oversized_body_is_refused_before_parsing(organizer_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = upload(organizer_client, images.png((400, 400)))
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 401),
        ("member", 403),
        ("volunteer", 403),
        ("organizer", 201),
        ("admin", 201),
    ],
)
def test_upload_permissions_per_role(db, api_client, auth_client, role, status):
    from community.tests.factories import UserFactory

    client = auth_client(UserFactory(role=role)) if role else api_client
    assert upload(client, images.jpeg((300, 200))).status_code == status


@pytest.mark.parametrize(
    ("role", "get_status", "delete_status"),
    [
        (None, 401, 401),
        ("member", 403, 403),
        ("volunteer", 403, 403),
        ("organizer", 200, 204),
        ("admin", 200, 204),
    ],
)
def test_read_and_delete_permissions_per_role(
    api_client, auth_client, organizer_client, role, get_status, delete_status
):
    from community.tests.factories import UserFactory

    media_id = upload(organizer_client, images.jpeg((300, 200))).json()["id"]
    client = auth_client(UserFactory(role=role)) if role else api_client
    assert client.get(f"/api/media/{media_id}").status_code == get_status
    assert client.delete(f"/api/media/{media_id}/").status_code == delete_status
    assert Media.objects.filter(pk=media_id).exists() == (delete_status != 204)


def test_banner_upload_sets_the_event_banner(organizer_client):
    event = EventFactory()
    response = upload(
        organizer_client, images.jpeg(), event=str(event.pk), role="banner"
    )
    assert response.status_code == 201
    event.refresh_from_db()
    assert str(event.banner_id) == response.json()["id"]
    assert response.json()["role"] == "banner"


def test_role_without_event_is_refused(organizer_client):
    response = upload(organizer_client, images.jpeg(), role="gallery")
    assert response.status_code == 400
    assert "event" in response.json()["error"]["fields"]


def test_event_without_role_goes_to_the_gallery(organizer_client):
    event = EventFactory(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=2),
    )
    response = upload(organizer_client, images.jpeg(), event=str(event.pk))
    assert response.json()["role"] == "gallery"
    assert list(
        Media.objects.filter(event_image__event=event).values_list("role", flat=True)
    ) == ["gallery"]


def test_deleting_a_banner_in_use_detaches_it_and_removes_files(
    organizer_client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        media_id = upload(
            organizer_client, images.jpeg(), event=str(event.pk), role="banner"
        ).json()["id"]
    media = Media.objects.get(pk=media_id)
    names = [media.file.name, *(v["name"] for v in media.variants)]
    assert all(default_storage.exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.delete(f"/api/media/{media_id}")
    assert response.status_code == 204
    event.refresh_from_db()
    assert event.banner is None
    assert not any(default_storage.exists(name) for name in names)
    assert AuditLog.objects.filter(action="media.deleted").exists()
    assert organizer_client.get(f"/api/media/{media_id}").status_code == 404
