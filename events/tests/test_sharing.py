"""Links pasted in WhatsApp, Telegram or X show a title, a description in the page's
language and a picture: the banner, or a PNG drawn for the event."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from events import services
from events.models import EventStatus
from events.services import event_image_upload
from events.tests.factories import EventFactory
from events.tests.share_tags import share_tags
from events.tests.test_series_pages import make_series
from media.tests import images

pytestmark = pytest.mark.django_db

SITE = "https://spanglish.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(
    ("lang", "locale", "other", "title", "description"),
    [
        ("es", "es_ES", "en_GB", "Noche de tapas", "Hablamos en español"),
        ("en", "en_GB", "es_ES", "Tapas night", "We speak Spanish"),
    ],
)
def test_event_page_has_share_tags_in_its_language(
    client, lang, locale, other, title, description
):
    event = EventFactory(title_es="Noche de tapas", title_en="Tapas night")
    tags = share_tags(client.get(url("events:detail", lang, slug=event.slug)).text)
    assert tags["og:title"] == title == tags["twitter:title"]
    assert tags["og:description"].startswith(description)
    assert tags["og:url"] == f"{SITE}/{lang}/events/{event.slug}/" == tags["canonical"]
    assert tags["og:locale"] == locale
    assert tags["og:locale:alternate"] == [other]
    assert tags["og:type"] == "website"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["hreflang"] == {
        "es": f"{SITE}/es/events/{event.slug}/",
        "en": f"{SITE}/en/events/{event.slug}/",
    }
    # No banner: the drawn PNG, absolute, versioned by what is written on it.
    assert tags["og:image"].startswith(
        f"{SITE}/{lang}/events/{event.slug}/share.png?v="
    )
    assert tags["og:image:type"] == "image/png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["twitter:image"] == tags["og:image"]


def test_event_with_a_banner_shares_a_jpeg_variant(
    client, organizer, django_capture_on_commit_callbacks
):
    event = EventFactory()
    file = SimpleUploadedFile("p.jpg", images.jpeg((2000, 1000)), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        event_image_upload(
            file=file, event=event, role="banner", uploaded_by=organizer, alt_en="Us"
        )
    tags = share_tags(client.get(url("events:detail", slug=event.slug)).text)
    assert tags["og:image"].startswith(f"{SITE}/uploads/media/")
    assert tags["og:image"].endswith("-800w.jpg")  # WhatsApp ignores WebP and SVG
    assert tags["og:image:type"] == "image/jpeg"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("800", "400")
    assert tags["og:image:alt"] == "Us"


def test_renaming_an_event_gives_its_picture_a_new_url(
    client, organizer, django_capture_on_commit_callbacks
):
    event = EventFactory(title_en="Old name")
    page = url("events:detail", slug=event.slug)
    before = share_tags(client.get(page).text)["og:image"]
    with django_capture_on_commit_callbacks(execute=True):  # as its commit does
        services.event_update(event=event, title_en="New name", actor=organizer)
    after = share_tags(client.get(page).text)["og:image"]
    assert before != after


@pytest.mark.parametrize("lang", ["es", "en"])
def test_home_and_series_pages_have_share_tags(client, lang):
    series = make_series()
    home = share_tags(client.get(url("events:home", lang)).text)
    assert home["og:url"] == f"{SITE}/{lang}/"
    assert home["og:image"].startswith(f"{SITE}/{lang}/share.png?v=")
    assert home["og:title"] == (
        "Intercambio de idiomas Spanglish"
        if lang == "es"
        else "Spanglish language exchange"
    )
    page = share_tags(
        client.get(url("events:series-detail", lang, slug=series.slug)).text
    )
    assert page["og:title"] == (
        "Intercambio del martes" if lang == "es" else "Tuesday exchange"
    )
    assert page["og:url"] == f"{SITE}/{lang}/series/{series.slug}/"
    assert page["og:image"].startswith(f"{SITE}/{lang}/series/{series.slug}/share.png")
    for tags in (home, page):
        assert tags["og:locale"] == {"es": "es_ES", "en": "en_GB"}[lang]
        assert len(tags["og:locale:alternate"]) == 1
        assert tags["og:description"]


def _png(response) -> Image.Image:
    return Image.open(
        io.BytesIO(
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
    )


@pytest.mark.parametrize("name", ["event", "series", "home"])
def test_share_pictures_are_pngs_crawlers_may_cache(client, name):
    event = EventFactory(price=Decimal("15.00"))
    series = make_series()
    path = {
        "event": url("events:share-image", "es", slug=event.slug),
        "series": url("events:series-share-image", "es", slug=series.slug),
        "home": url("events:home-share-image", "es"),
    }[name]
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    assert _png(response).size == (1200, 630)
    again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_share_picture_costs_at_most_one_query_and_none_once_cached(
    client, django_assert_max_num_queries
):
    event = EventFactory()
    path = url("events:share-image", slug=event.slug)
    with django_assert_max_num_queries(1):
        assert client.get(path).status_code == 200
    with django_assert_max_num_queries(0):
        assert client.get(path).status_code == 200


def test_share_pictures_of_hidden_or_unknown_events_are_not_found(client):
    draft = EventFactory(status=EventStatus.DRAFT)
    hidden_series = make_series(session_status=EventStatus.DRAFT, slug="secret")
    for path in (
        url("events:share-image", slug=draft.slug),
        url("events:share-image", slug="no-such-event"),
        url("events:series-share-image", slug=hidden_series.slug),
        "/en/events/%3Cscript%3E/share.png",
    ):
        assert client.get(path).status_code == 404, path


def test_share_picture_refuses_writes(client):
    event = EventFactory()
    path = url("events:share-image", slug=event.slug)
    assert client.post(path).status_code == 405
    assert client.head(path).status_code == 200


def test_a_past_event_still_shares_its_picture(client):
    start = timezone.now() - timedelta(days=5)
    event = EventFactory(
        starts_at=start, ends_at=start + timedelta(hours=2), status="completed"
    )
    assert client.get(url("events:share-image", slug=event.slug)).status_code == 200
