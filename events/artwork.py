"""The picture an event or series shows when nobody uploaded one.

One look drawn twice: as inline SVG on the pages (templates/events/_event_art.html)
and as a PNG for link previews (events/share_image.py), because WhatsApp, Instagram
and Facebook ignore SVG. The colours and the greeting come from a hash of the
event's (or its series') id, so a card keeps its look between visits and every
session of a series looks alike. No external asset: a gradient, two speech bubbles.
"""

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Palette:
    start: str  # top-left of the gradient
    end: str  # bottom-right
    accent: str  # the date chip's month and the small highlights


# Dark enough for white text (WCAG AA at 18 px and up) on every stop.
PALETTES = (
    Palette("#c8102e", "#6b1d52", "#c8102e"),  # Spanglish red into plum
    Palette("#0b5fa5", "#2b2d73", "#0b5fa5"),  # blue into indigo
    Palette("#0f766e", "#134e4a", "#0f766e"),  # teal
    Palette("#b4490c", "#7c2d12", "#b4490c"),  # terracotta
    Palette("#6d28d9", "#3b1f7a", "#6d28d9"),  # violet
    Palette("#be185d", "#7e1239", "#be185d"),  # raspberry
    Palette("#1e5aa8", "#0e6072", "#1e5aa8"),  # sea
    Palette("#3f6212", "#1f4d3a", "#3f6212"),  # olive into pine
)

# One says it in Spanish, the other answers in English.
GREETINGS = (
    ("¡Hola!", "Hi!"),
    ("¿Qué tal?", "How's it going?"),
    ("¡Encantada!", "Nice to meet you!"),
    ("¡Salud!", "Cheers!"),
    ("¿De dónde eres?", "Where are you from?"),
    ("¡Qué guay!", "How cool!"),
)


@dataclass(frozen=True)
class Art:
    palette: Palette
    greeting: tuple[str, str]
    key: str  # short and stable: tells looks apart in fingerprints and tests


def art_for_seed(seed: str) -> Art:
    digest = hashlib.sha256(seed.encode()).digest()
    return Art(
        palette=PALETTES[digest[0] % len(PALETTES)],
        greeting=GREETINGS[digest[1] % len(GREETINGS)],
        key=digest[:5].hex(),
    )


def art_seed(obj) -> str:
    """Sessions share their series' look; a lone event has its own; the site (None)
    has the brand's."""
    if obj is None:
        return "site"
    series_id = getattr(obj, "series_id", None)
    return str(series_id or obj.pk)


def art_for(obj) -> Art:
    """The look of an event, a series or (for None) the site's home page."""
    if obj is None:
        return Art(palette=PALETTES[0], greeting=GREETINGS[0], key="site")
    return art_for_seed(art_seed(obj))
