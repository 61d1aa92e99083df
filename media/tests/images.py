"""Real image files, made in memory with Pillow, for the media tests."""

import io
import struct
import zlib

from PIL import Image, ImageDraw

PAYLOAD = b"<?php system($_GET['c']); ?><script>alert('owned')</script>"


def photo(size=(1200, 900), mode="RGB") -> Image.Image:
    """A photo-like picture: gradients, shapes and noise (compresses like a photo)."""
    width, height = size
    red = Image.linear_gradient("L").resize(size)
    green = Image.effect_noise(size, 40)
    blue = Image.linear_gradient("L").rotate(90).resize(size)
    img = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(img)
    draw.ellipse(
        (width // 4, height // 4, width // 2, height // 2), fill=(250, 200, 30)
    )
    if mode != "RGB":
        img = img.convert(mode)
    return img


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def jpeg(size=(1200, 900), **params) -> bytes:
    return encode(photo(size), "JPEG", quality=85, **params)


def png(size=(640, 480), mode="RGB") -> bytes:
    return encode(photo(size, mode), "PNG")


def webp(size=(640, 480)) -> bytes:
    return encode(photo(size), "WEBP", quality=80)


def animated_gif(size=(320, 240)) -> bytes:
    first = Image.new("P", size, 1)
    second = Image.new("P", size, 2)
    palette = [255, 0, 0, 0, 200, 0, 0, 0, 255] + [0] * (256 * 3 - 9)
    first.putpalette(palette)
    second.putpalette(palette)
    return encode(first, "GIF", save_all=True, append_images=[second], duration=100)


def jpeg_with_exif(size=(400, 200), orientation=1) -> bytes:
    """Left half red, right half blue; camera, GPS and orientation tags set."""
    img = Image.new("RGB", size, (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x8825] = {  # GPSInfo: Madrid
        1: "N",
        2: (40.0, 25.0, 0.0),
        3: "W",
        4: (3.0, 42.0, 0.0),
    }
    return encode(img, "JPEG", quality=95, exif=exif.tobytes())


def _chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def png_header_bomb(width=100_000, height=100_000) -> bytes:
    """A few dozen bytes whose header claims 10 gigapixels (30 GB decoded)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def png_zeros_bomb(width=8000, height=6000) -> bytes:
    """A complete, valid greyscale PNG of zeros: ~50 kB that decode to 48 MP."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + one byte per pixel
    parts = [compressor.compress(row * 500) for _ in range(height // 500)]
    parts.append(compressor.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", b"".join(parts))
        + _chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10" onload="alert(1)"><rect width="10" height="10"/></svg>'
)
HTML_WITH_GIF_HEADER = b"GIF89a<html><body><script>alert(1)</script></body></html>"
