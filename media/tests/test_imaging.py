"""The sanitiser on its own: what is accepted, what is refused, what survives."""

import io
import time

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from media.imaging import image_sanitise, image_variants, variant_widths
from media.tests import images

# As in production (media.apps configures it): Pillow's bomb warning is an error.
pytestmark = pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_pixels": 40_000_000}


def sanitise(data: bytes):
    return image_sanitise(data, **LIMITS)


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        sanitise(data)
    return caught.value.code


@pytest.mark.parametrize(
    ("data", "stored_as"),
    [
        (images.jpeg(), "JPEG"),
        (images.png(), "PNG"),
        (images.png(mode="RGBA"), "PNG"),
        (images.webp(), "WEBP"),
        (images.animated_gif(), "PNG"),
    ],
    ids=["jpeg", "png", "png-rgb-in-rgba", "webp", "gif"],
)
def test_each_accepted_format_is_decoded_and_reencoded(data, stored_as):
    clean = sanitise(data)
    assert clean.format == stored_as
    with Image.open(io.BytesIO(clean.data)) as img:
        assert img.format == stored_as
        assert img.size == (clean.width, clean.height)
        img.load()


def test_gif_keeps_only_the_first_frame():
    clean = sanitise(images.animated_gif())
    with Image.open(io.BytesIO(clean.data)) as img:
        assert getattr(img, "n_frames", 1) == 1
        assert img.convert("RGB").getpixel((5, 5)) == (0, 200, 0)


def test_transparency_is_kept_in_png():
    img = Image.new("RGBA", (50, 50), (255, 0, 0, 0))
    img.paste((0, 0, 255, 255), (0, 0, 25, 50))
    clean = sanitise(images.encode(img, "PNG"))
    with Image.open(io.BytesIO(clean.data)) as out:
        assert out.mode == "RGBA"
        assert out.getpixel((40, 10))[3] == 0


def test_file_over_the_size_limit_is_refused():
    with pytest.raises(ValidationError) as caught:
        image_sanitise(images.png(), max_bytes=1000, max_pixels=40_000_000)
    assert caught.value.code == "too_large"


@pytest.mark.parametrize(
    "bomb",
    [images.png_header_bomb, images.png_zeros_bomb],
    ids=["header-claims-10-gigapixels", "48-megapixels-of-zeros"],
)
def test_decompression_bomb_fails_fast_before_decoding(bomb):
    data = bomb()
    assert len(data) < 200_000
    started = time.perf_counter()
    assert refusal(data) == "too_many_pixels"
    # Decoding 48 MP (let alone 10 GP) takes far longer than reading a header.
    assert time.perf_counter() - started < 0.5


def test_pixel_limit_is_configurable():
    with pytest.raises(ValidationError) as caught:
        image_sanitise(images.png((640, 480)), max_bytes=10**7, max_pixels=300_000)
    assert caught.value.code == "too_many_pixels"
    assert "640×480" in caught.value.messages[0]


@pytest.mark.parametrize("maker", [images.jpeg, images.png, images.webp])
def test_truncated_image_is_refused(maker):
    data = maker()
    assert refusal(data[: len(data) // 2]) == "corrupt"


def test_garbage_after_a_valid_header_is_refused():
    data = images.png()
    assert refusal(data[:40] + b"\x00garbage" * 100) in {"corrupt", "not_an_image"}


def test_svg_is_refused():
    assert refusal(images.SVG) == "not_an_image"


def test_html_with_an_image_header_is_refused():
    assert refusal(images.HTML_WITH_GIF_HEADER) in {
        "not_an_image",
        "corrupt",
        "too_many_pixels",
    }


def test_empty_and_text_files_are_refused():
    assert refusal(b"") == "empty"
    assert refusal(b"hello, I am a text file") == "not_an_image"


def test_appended_php_payload_does_not_survive_reencoding():
    data = images.png() + images.PAYLOAD
    clean = sanitise(data)
    assert b"<?php" not in clean.data
    assert b"<script" not in clean.data


def test_payload_in_image_comments_does_not_survive():
    jpeg = images.encode(images.photo((300, 200)), "JPEG", comment=images.PAYLOAD)
    gif = images.encode(
        images.photo((300, 200)).convert("P"), "GIF", comment=images.PAYLOAD
    )
    for data in (jpeg, gif):
        assert images.PAYLOAD in data
        assert b"<?php" not in sanitise(data).data


def test_exif_orientation_is_applied():
    # Orientation 6: the camera was turned; the picture must be shown rotated 90° CW.
    clean = sanitise(images.jpeg_with_exif((400, 200), orientation=6))
    assert (clean.width, clean.height) == (200, 400)
    with Image.open(io.BytesIO(clean.data)) as img:
        red, _, blue = img.getpixel((100, 50))
        assert red > 200 and blue < 60  # the left (red) half is now on top
        red, _, blue = img.getpixel((100, 350))
        assert blue > 200 and red < 60


def test_exif_and_gps_are_stripped():
    data = images.jpeg_with_exif(orientation=1)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the test file really has GPS
    clean = sanitise(data)
    assert b"SpyCam" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as img:
        assert not img.getexif()
        assert "exif" not in img.info
        assert "icc_profile" not in img.info


def test_png_text_chunks_are_stripped():
    from PIL.PngImagePlugin import PngInfo

    meta = PngInfo()
    meta.add_text("Comment", "home address: 1 Secret Street")
    data = images.encode(images.photo((100, 100)), "PNG", pnginfo=meta)
    clean = sanitise(data)
    assert b"Secret Street" not in clean.data


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (4000, [400, 800, 1600]),
        (1600, [400, 800, 1600]),
        (1000, [400, 800, 1000]),
        (300, [300]),
    ],
)
def test_variant_widths_never_upscale(width, expected):
    assert variant_widths(width, [400, 800, 1600]) == expected


def test_variants_are_webp_and_jpeg_at_each_width_without_metadata():
    clean = sanitise(images.jpeg_with_exif((2000, 1000), orientation=1))
    variants = image_variants(clean.data, widths=[400, 800, 1600])
    got = sorted((v.format, v.width, v.height) for v in variants)
    assert got == [
        ("jpeg", 400, 200),
        ("jpeg", 800, 400),
        ("jpeg", 1600, 800),
        ("webp", 400, 200),
        ("webp", 800, 400),
        ("webp", 1600, 800),
    ]
    for variant in variants:
        with Image.open(io.BytesIO(variant.data)) as img:
            assert img.format == variant.format.upper()
            assert img.size == (variant.width, variant.height)
            assert not img.getexif()
        assert b"SpyCam" not in variant.data
