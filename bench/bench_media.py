"""Image processing: one 12-megapixel photo through the upload path and the worker."""

import io
import statistics
import time

ROUNDS = 3


def photo_jpeg(size=(4000, 3000)) -> bytes:
    """A photo-like 12 MP JPEG: gradients, shapes and fine noise, EXIF included."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = size
    red = Image.linear_gradient("L").resize(size)
    green = Image.effect_noise(size, 24).filter(ImageFilter.GaussianBlur(1.2))
    blue = Image.radial_gradient("L").resize(size)
    img = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(img)
    for i in range(0, width, 250):
        draw.ellipse(
            (i, height // 3, i + 200, height // 3 + 200), fill=(240, 180, i % 255)
        )
    exif = Image.Exif()
    exif[0x0112] = 1
    exif[0x010F] = "Bench Camera"
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88, exif=exif.tobytes())
    return out.getvalue()


def timed(fn) -> tuple[float, object]:
    runs, result = [], None
    for _ in range(ROUNDS):
        started = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def run() -> list[dict]:
    from django.conf import settings

    from media.imaging import image_sanitise, image_variants

    data = photo_jpeg()
    limits = {
        "max_bytes": max(settings.UPLOAD_MAX_BYTES, len(data)),
        "max_pixels": settings.MEDIA_MAX_PIXELS,
    }
    widths = settings.MEDIA_VARIANT_WIDTHS
    sanitise_s, clean = timed(lambda: image_sanitise(data, **limits))
    variants_s, variants = timed(lambda: image_variants(clean.data, widths=widths))
    total_s, _ = timed(
        lambda: image_variants(image_sanitise(data, **limits).data, widths=widths)
    )

    from media.tests.images import png_header_bomb, png_zeros_bomb

    def refuse(bomb: bytes) -> float:
        from django.core.exceptions import ValidationError

        started = time.perf_counter()
        try:
            image_sanitise(bomb, **limits)
        except ValidationError:
            return time.perf_counter() - started
        raise AssertionError("bomb accepted")

    header_bomb, zeros_bomb = png_header_bomb(), png_zeros_bomb()
    note = f"{len(data) / 1e6:.1f} MB JPEG, 4000×3000, median of {ROUNDS}"
    return [
        {
            "name": "12 MP photo → all variants",
            "value": round(total_s, 2),
            "unit": "s",
            "note": f"{note}; validate, re-encode, then {len(variants)} variants",
        },
        {
            "name": "12 MP photo: validate and re-encode (upload request)",
            "value": round(sanitise_s, 2),
            "unit": "s",
            "note": note,
        },
        {
            "name": f"12 MP photo: WebP+JPEG variants at {widths} px (worker)",
            "value": round(variants_s, 2),
            "unit": "s",
            "note": f"{sum(len(v.data) for v in variants) / 1e3:.0f} kB in total",
        },
        {
            "name": "decompression bomb refused (10 GP header)",
            "value": round(refuse(header_bomb) * 1000, 2),
            "unit": "ms",
        },
        {
            "name": "decompression bomb refused (48 MP of zeros, 50 kB)",
            "value": round(refuse(zeros_bomb) * 1000, 2),
            "unit": "ms",
        },
    ]
