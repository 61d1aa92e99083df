"""Wide-gamut uploads keep their colours: pixels are converted from the embedded ICC
profile to sRGB before the profile is stripped, in the master and every variant."""

import io
import struct

from PIL import Image, ImageCms

from media.imaging import image_sanitise, image_variants

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_pixels": 40_000_000}
# A saturated red that Display P3 can show and sRGB shows only with stronger values.
P3_RED = (180, 60, 60)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)


def display_p3_profile() -> bytes:
    """A minimal ICC v2 matrix/TRC profile with Display P3's primaries (D50-adapted,
    as Apple's profile gives them) and a 2.2 gamma: built here, since Pillow can
    only create sRGB, LAB and XYZ profiles."""
    text = b"Display P3 (test)\0"
    desc = (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(text))
        + text
        + struct.pack(">II", 0, 0)
        + struct.pack(">HB", 0, 0)
        + b"\0" * 67
    )
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    tags = [
        (b"desc", desc),
        (b"wtpt", _xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", _xyz(0.5151, 0.2412, -0.0011)),
        (b"gXYZ", _xyz(0.2920, 0.6922, 0.0419)),
        (b"bXYZ", _xyz(0.1571, 0.0666, 0.7841)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\0\0\0\0public domain\0\0\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)  # perceptual
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + b"\0" * 48
    )
    return header + struct.pack(">I", len(tags)) + table + body


# Linear Display P3 → linear sRGB (both D65), from the two spaces' primaries.
P3_TO_SRGB = (
    (1.2249, -0.2247, 0.0),
    (-0.0420, 1.0419, 0.0),
    (-0.0197, -0.0786, 1.0979),
)


def expected_srgb(colour) -> tuple[int, ...]:
    """What a colour-managed screen shows for a P3 pixel (2.2 gamma as in the
    profile), written in sRGB: computed here without littleCMS."""
    linear = [(c / 255) ** 2.2 for c in colour]
    out = []
    for row in P3_TO_SRGB:
        v = min(1.0, max(0.0, sum(m * c for m, c in zip(row, linear, strict=True))))
        v = 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
        out.append(round(v * 255))
    return tuple(out)


def close(actual, expected, tolerance=2) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def png(colour, *, icc: bytes | None = None, mode: str = "RGB") -> bytes:
    img = Image.new(mode, (64, 48), colour)
    out = io.BytesIO()
    img.save(out, "PNG", **({"icc_profile": icc} if icc else {}))
    return out.getvalue()


def pixel(data: bytes) -> tuple:
    with Image.open(io.BytesIO(data)) as img:
        return img.convert("RGBA" if img.mode == "RGBA" else "RGB").getpixel((10, 10))


def test_profile_built_here_is_a_valid_rgb_profile():
    profile = ImageCms.ImageCmsProfile(io.BytesIO(display_p3_profile()))
    assert ImageCms.getProfileDescription(profile).strip() == "Display P3 (test)"


def test_display_p3_photo_is_converted_to_srgb_not_just_stripped():
    clean = image_sanitise(png(P3_RED, icc=display_p3_profile()), **LIMITS)

    # Shown as sRGB without conversion the colour would be the duller P3_RED.
    assert close(expected_srgb(P3_RED), (197, 42, 51), 1)  # redder than P3_RED
    assert close(pixel(clean.data), expected_srgb(P3_RED))
    with Image.open(io.BytesIO(clean.data)) as master:
        assert "icc_profile" not in master.info  # still stripped after conversion


def test_variants_carry_the_converted_colours():
    clean = image_sanitise(png(P3_RED, icc=display_p3_profile()), **LIMITS)

    for variant in image_variants(clean.data, widths=[32]):
        # JPEG and lossy WebP move a flat colour by a few steps.
        assert close(pixel(variant.data), expected_srgb(P3_RED), 6), variant.format


def test_transparency_survives_the_conversion():
    data = png((*P3_RED, 128), icc=display_p3_profile(), mode="RGBA")

    *colour, alpha = pixel(image_sanitise(data, **LIMITS).data)

    assert alpha == 128
    assert close(colour, expected_srgb(P3_RED))


def test_images_without_a_profile_or_with_srgb_keep_their_values():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

    for data in (png(P3_RED), png(P3_RED, icc=srgb)):
        assert close(pixel(image_sanitise(data, **LIMITS).data), P3_RED)


def test_a_profile_that_does_not_fit_the_image_is_ignored_not_fatal():
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()

    clean = image_sanitise(png(P3_RED, icc=lab), **LIMITS)

    assert pixel(clean.data) == P3_RED
