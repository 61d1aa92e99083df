"""Untrusted bytes in, clean images out. Pillow only: no database, no storage.

Every upload is decoded by Pillow and re-encoded from its pixels, so nothing the
uploader wrote survives except the picture: no metadata (EXIF, GPS, XMP, ICC, text
chunks), no appended payloads, no polyglot tricks. Colours are converted to sRGB from
the embedded profile first, so dropping the profile does not change them. The pixel count is checked from the
header, before any pixel is decoded, so decompression bombs fail in microseconds.
"""

import hashlib
import io
import struct
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# What the master is stored as: GIF becomes PNG (first frame, lossless).
MASTER_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPE = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

# Decoding errors Pillow raises on truncated or corrupt data.
DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
)

ImageFile.LOAD_TRUNCATED_IMAGES = False


def configure_pillow(*, max_pixels: int) -> None:
    """Process-wide guard for every Pillow use: Pillow's own bomb check at our limit,
    and its warning (which it only logs by default) raised as an error."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    format: str
    width: int
    height: int
    content_hash: str  # SHA-256 of the bytes as uploaded

    @property
    def extension(self) -> str:
        return EXTENSION[self.format]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPE[self.format]


@dataclass(frozen=True)
class Variant:
    data: bytes
    format: str  # "webp" or "jpeg"
    width: int
    height: int


def _too_many_pixels(max_pixels: int, size: tuple[int, int] | None = None):
    params = {"limit": f"{max_pixels / 1_000_000:g}"}
    if size:
        params |= {"width": size[0], "height": size[1]}
        message = _(
            "The image is %(width)s×%(height)s pixels; the limit is %(limit)s megapixels."
        )
    else:
        message = _("The image has more than %(limit)s megapixels.")
    return ValidationError(message, code="too_many_pixels", params=params)


def _not_an_image():
    return ValidationError(
        _("This file is not a JPEG, PNG, WebP or GIF image."), code="not_an_image"
    )


def _corrupt():
    return ValidationError(
        _("The image is truncated or corrupt and cannot be read."), code="corrupt"
    )


def _rgb_or_rgba(img: Image.Image) -> Image.Image:
    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        "transparency" in img.info
    )
    if img.mode.startswith("I;16") or img.mode == "I":
        # 16-bit greyscale: scale to 8 bits instead of clipping to white.
        img = img.point(lambda v: v / 256).convert("L")
    img = img.convert("RGBA" if has_alpha else "RGB")
    if img.mode == "RGBA" and img.getchannel("A").getextrema() == (255, 255):
        img = img.convert("RGB")
    return img


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    """The pixels converted from the embedded colour profile to sRGB.

    The master and its variants are stored without a profile (metadata is stripped),
    which browsers read as sRGB. A wide-gamut phone photo (Display P3) or a CMYK file
    keeps its colours only if its pixels are converted first; left as they are, P3
    reds and greens come out dull. A profile that cannot be read or does not fit
    the image keeps the pixels as stored, as before."""
    if not icc:
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if img.mode == "CMYK":
            base, alpha = img, None
        else:
            rgb = _rgb_or_rgba(img)
            alpha = rgb.getchannel("A") if rgb.mode == "RGBA" else None
            base = rgb.convert("RGB")
        converted = ImageCms.profileToProfile(base, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, *DECODE_ERRORS):
        return img
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def _fresh_copy(img: Image.Image) -> Image.Image:
    """Pixels only: a new image carries no info dict, EXIF cache or ICC profile."""
    clean = Image.new(img.mode, img.size)
    clean.paste(img)
    return clean


def _encode(
    img: Image.Image, fmt: str, *, quality: int, progressive: bool = False
) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if img.mode == "RGBA":
            flat = Image.new("RGB", img.size, (255, 255, 255))
            flat.paste(img, mask=img.getchannel("A"))
            img = flat
        # Progressive (for pages) costs ~6× the encoding time of baseline: variants
        # only, not the master, which the worker decodes again.
        img.save(out, "JPEG", quality=quality, progressive=progressive)
    elif fmt == "WEBP":
        img.save(out, "WEBP", quality=quality, method=4)
    else:
        img.save(out, "PNG", compress_level=6)
    return out.getvalue()


def image_sanitise(data: bytes, *, max_bytes: int, max_pixels: int) -> CleanImage:
    """Validate untrusted bytes and return the picture re-encoded without metadata,
    upright (EXIF orientation applied). Raises ValidationError with a clear message."""
    if len(data) > max_bytes:
        raise ValidationError(
            _("The file is larger than %(limit)s MB."),
            code="too_large",
            params={"limit": f"{max_bytes / 1024 / 1024:g}"},
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    content_hash = hashlib.sha256(data).hexdigest()
    try:
        # Reads the header only; Pillow's own bomb check runs here at our limit.
        img = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except UnidentifiedImageError:
        raise _not_an_image() from None
    except DECODE_ERRORS:
        raise _corrupt() from None
    with img:
        width, height = img.size
        if width < 1 or height < 1:
            raise _corrupt()
        if width * height > max_pixels:
            raise _too_many_pixels(max_pixels, (width, height))
        source_format = img.format
        icc = img.info.get("icc_profile")
        try:
            img.load()  # GIF: the first frame only
            try:
                upright = ImageOps.exif_transpose(img)
            except DECODE_ERRORS:
                upright = img  # unreadable EXIF: keep the pixels as stored
            clean = _fresh_copy(_rgb_or_rgba(_to_srgb(upright, icc)))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(max_pixels, (width, height)) from None
        except DECODE_ERRORS:
            raise _corrupt() from None
    fmt = MASTER_FORMAT[source_format]
    if fmt == "JPEG" and clean.mode == "RGBA":
        fmt = "PNG"
    return CleanImage(
        data=_encode(clean, fmt, quality=90),
        format=fmt,
        width=clean.width,
        height=clean.height,
        content_hash=content_hash,
    )


def variant_widths(width: int, widths: list[int]) -> list[int]:
    """Target widths, never upscaled: the configured ones narrower than the image,
    plus the image's own width when it is narrower than the widest configured."""
    targets = [w for w in sorted(set(widths)) if w < width]
    if width <= max(widths):
        targets.append(width)
    return targets


def image_variants(data: bytes, *, widths: list[int]) -> list[Variant]:
    """Resize a clean master into WebP and JPEG copies at each target width."""
    with Image.open(io.BytesIO(data), formats=("JPEG", "PNG", "WEBP")) as img:
        width, height = img.size
        targets = variant_widths(width, widths)
        # JPEG can decode straight at 1/2, 1/4 or 1/8 scale: much faster for big photos.
        img.draft("RGB", (max(targets), max(1, round(height * max(targets) / width))))
        img.load()
        current = _rgb_or_rgba(img)
    variants = []
    for target in sorted(targets, reverse=True):
        size = (target, max(1, round(height * target / width)))
        if current.size != size:
            # Each step resizes the previous (larger) variant, not the full original.
            current = current.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        variants.append(Variant(_encode(current, "WEBP", quality=80), "webp", *size))
        jpeg = _encode(current, "JPEG", quality=82, progressive=True)
        variants.append(Variant(jpeg, "jpeg", *size))
    return variants
