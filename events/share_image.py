"""The PNG a link preview shows (og:image) for an event, a series or the home page
when no banner was uploaded: 1200×630, the look of events/artwork.py with the title,
the date and the place written on it.

Drawn with Pillow on demand and kept in the cache under a fingerprint of what is
written on it, so a renamed or moved event gets a new picture (and a new URL) at once.
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from functools import cache

from django.core.cache import cache as django_cache
from PIL import Image, ImageDraw, ImageFont

from events.artwork import Art

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
# Bumped when the drawing changes, so cached pictures and crawlers' copies renew.
RENDER_VERSION = "1"
CACHE_SECONDS = 7 * 24 * 3600

# Tried in order; the last resort is Pillow's own built-in font (Latin only).
BOLD_FONTS = (
    "DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
)
REGULAR_FONTS = (
    "DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)
BRAND_YELLOW = (255, 204, 0)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class ShareCard:
    """What is written on the picture; `badge` is the price, or empty."""

    title: str
    lines: tuple[str, ...]
    art: Art
    badge: str = ""

    @property
    def fingerprint(self) -> str:
        text = "\x1f".join(
            [RENDER_VERSION, self.art.key, self.title, *self.lines, self.badge]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@cache
def _font(bold: bool, size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in BOLD_FONTS if bold else REGULAR_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    logger.warning("share image: no DejaVu or Liberation font; accents will not show")
    return ImageFont.load_default(size)


@cache
def text_width(text: str, size: int) -> int:
    """How wide `text` runs in the bold font at `size` px."""
    return int(_font(True, size).getlength(text))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def _gradient(start: str, end: str) -> Image.Image:
    # A 2×2 image stretched with bilinear filtering: a smooth diagonal blend.
    mask = Image.new("L", (2, 2))
    mask.putdata([0, 128, 128, 255])
    mask = mask.resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    return Image.composite(
        Image.new("RGB", (WIDTH, HEIGHT), _rgb(end)),
        Image.new("RGB", (WIDTH, HEIGHT), _rgb(start)),
        mask,
    )


def _bubble(draw, box, *, tail_left: bool, fill) -> None:
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=(y1 - y0) // 2, fill=fill)
    if tail_left:
        tail = [(x0 + 40, y1 - 10), (x0 + 10, y1 + 34), (x0 + 90, y1 - 6)]
    else:
        tail = [(x1 - 40, y1 - 10), (x1 - 10, y1 + 34), (x1 - 90, y1 - 6)]
    draw.polygon(tail, fill=fill)


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        if len(lines) == max_lines:
            break
    if line and len(lines) < max_lines:
        lines.append(line)
    consumed = " ".join(lines)
    if len(consumed) < len(" ".join(words)) and lines:
        last = lines[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return lines


def _fit_title(draw, title: str, width: int) -> tuple[list[str], ImageFont.ImageFont]:
    """The largest size at which the title fits in three lines."""
    for size in (76, 68, 60, 54, 48):
        font = _font(True, size)
        lines = _wrap(draw, title, font, width, max_lines=3)
        if " ".join(lines).replace("…", "") == " ".join(title.split()):
            return lines, font
    return lines, font


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def render_share_png(card: ShareCard) -> bytes:
    palette = card.art.palette
    image = _gradient(palette.start, palette.end).convert("RGBA")
    draw = ImageDraw.Draw(image)

    # Laid out from the bottom up: the date and place, then the title above them.
    small = _font(False, 36)
    line_top = HEIGHT - MARGIN - 46 * len(card.lines)
    title_lines, title_font = _fit_title(draw, card.title, WIDTH - 2 * MARGIN)
    line_height = int(title_font.size * 1.18)
    title_top = line_top - 28 - line_height * len(title_lines)
    title_boxes = [
        (
            MARGIN,
            title_top + i * line_height,
            MARGIN + draw.textlength(line, font=title_font),
            title_top + (i + 1) * line_height,
        )
        for i, line in enumerate(title_lines)
    ]

    # The motif: one speaks Spanish, the other answers in English. A bubble that
    # would sit under a long title is left out rather than drawn behind it.
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    bubbles = ImageDraw.Draw(layer)
    spanish, english = card.art.greeting
    bubble_font = _font(True, 34)
    for text, top, right, tail_left, alpha in (
        (spanish, 70, WIDTH - 70, False, 46),
        (english, 190, WIDTH - 190, True, 30),
    ):
        width = int(bubbles.textlength(text, font=bubble_font)) + 80
        box = (right - width, top, right, top + 84)
        if any(
            _overlaps((box[0], box[1], box[2], box[3] + 34), t) for t in title_boxes
        ):
            continue
        _bubble(bubbles, box, tail_left=tail_left, fill=(255, 255, 255, alpha))
        bubbles.text(
            (box[0] + 40, top + 42),
            text,
            font=bubble_font,
            fill=(255, 255, 255, 215),
            anchor="lm",
        )
    image = Image.alpha_composite(image, layer)
    draw = ImageDraw.Draw(image)

    # The brand, with the yellow first letter of the site's header.
    brand = _font(True, 40)
    draw.text((MARGIN, MARGIN), "S", font=brand, fill=BRAND_YELLOW)
    draw.text(
        (MARGIN + draw.textlength("S", font=brand), MARGIN),
        "panglish",
        font=brand,
        fill=WHITE,
    )
    for i, line in enumerate(title_lines):
        draw.text(
            (MARGIN, title_top + i * line_height), line, font=title_font, fill=WHITE
        )
    badge_font = _font(True, 36)
    badge_width = draw.textlength(card.badge, font=badge_font) + 48 if card.badge else 0
    lines_width = WIDTH - 2 * MARGIN - (badge_width + 24 if badge_width else 0)
    for i, line in enumerate(card.lines):
        fitted = _wrap(draw, line, small, int(lines_width), max_lines=1)
        draw.text((MARGIN, line_top + 46 * i), fitted[0] if fitted else "", font=small)
    if card.badge:
        x1 = WIDTH - MARGIN
        box = (x1 - badge_width, HEIGHT - MARGIN - 62, x1, HEIGHT - MARGIN)
        draw.rounded_rectangle(box, radius=31, fill=WHITE)
        draw.text(
            ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
            card.badge,
            font=badge_font,
            fill=_rgb(palette.end),
            anchor="mm",
        )

    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()


def share_png(card: ShareCard) -> bytes:
    """The card's PNG from the cache, drawn once per fingerprint."""
    key = f"events:share-png:{card.fingerprint}"
    try:
        data = django_cache.get(key)
    except Exception:  # a cache that is down: draw it, as pages do
        data = None
    if data is None:
        data = render_share_png(card)
        try:
            django_cache.set(key, data, CACHE_SECONDS)
        except Exception:  # the picture is served either way
            logger.warning("share image: could not cache %s", key, exc_info=True)
    return data
