"""The picture an event shows without a banner: drawn the same way every time, in
the event's (or its series') colours, readable in both languages."""

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from events.artwork import PALETTES, art_for, art_for_seed
from events.dates import format_when, zone_city
from events.share_image import HEIGHT, WIDTH, ShareCard, render_share_png, share_png
from events.tests.factories import EventFactory


def _card(**kwargs) -> ShareCard:
    return ShareCard(
        **{
            "title": "Noche de tapas",
            "lines": ("Jueves, 12 de marzo · 19:00–21:00", "Café Central"),
            "art": art_for_seed("event-1"),
            "badge": "15,00 €",
            **kwargs,
        }
    )


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def test_share_picture_is_a_link_preview_sized_png():
    image = Image.open(io.BytesIO(render_share_png(_card())))
    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT) == (1200, 630)
    # Small enough for WhatsApp's preview limit (about 300 kB).
    assert len(render_share_png(_card())) < 300_000


def test_share_picture_is_drawn_in_the_events_colours():
    card = _card()
    image = Image.open(io.BytesIO(render_share_png(card))).convert("RGB")
    top_left = image.getpixel((2, 2))
    bottom_right = image.getpixel((WIDTH - 3, HEIGHT - 3))
    for got, want in (
        (top_left, _rgb(card.art.palette.start)),
        (bottom_right, _rgb(card.art.palette.end)),
    ):
        assert all(abs(a - b) <= 6 for a, b in zip(got, want, strict=True))


def test_same_card_same_picture_and_fingerprint():
    assert render_share_png(_card()) == render_share_png(_card())
    assert _card().fingerprint == _card().fingerprint
    assert _card(title="Tapas night").fingerprint != _card().fingerprint
    assert _card(badge="Gratis").fingerprint != _card().fingerprint


def test_a_very_long_title_is_shortened_not_overflowing():
    card = _card(title="Intercambio " * 40, lines=("x " * 200,))
    image = Image.open(io.BytesIO(render_share_png(card)))
    assert image.size == (WIDTH, HEIGHT)


@pytest.mark.django_db
def test_sessions_of_a_series_share_a_look_and_lone_events_vary():
    from events.tests.test_series_pages import make_series

    series = make_series(count=3)
    looks = {art_for(s).key for s in series.sessions.all()}
    assert looks == {art_for(series).key}
    palettes = {art_for(EventFactory()).palette for _ in range(12)}
    assert len(palettes) > 1
    assert palettes <= set(PALETTES)


def test_share_png_is_drawn_once_then_cached():
    card = _card(title="Cached once")
    first = share_png(card)
    assert share_png(card) is not None
    assert share_png(card) == first


def test_dates_read_naturally_in_each_language():
    moment = datetime(2026, 3, 12, 18, 0, tzinfo=UTC)
    assert (
        format_when(moment, "day", language="es", tz="Europe/Madrid")
        == "Jueves, 12 de marzo"
    )
    assert (
        format_when(moment, "day", language="en", tz="Europe/Madrid")
        == "Thursday 12 March"
    )
    assert format_when(moment, "time", language="en", tz="Europe/Madrid") == "19:00"
    assert format_when(moment, "time", language="en", tz="Europe/London") == "18:00"


def test_time_zones_are_told_as_cities():
    assert zone_city("Europe/Madrid", language="en") == "Madrid"
    assert zone_city("Europe/London", language="es") == "Londres"
    assert zone_city("America/Argentina/Buenos_Aires", language="en") == "Buenos Aires"
