"""How an event reads on the pages: its dates in its own zone and language, the
picture it shows without a banner, the link to its place on a map.

`{% load event_display %}`
`{% event_dates event as when %}` → when.day, .short, .month, .daynum, .start, .end,
    .zone, .city (dates per language from events/dates.py)
`{% event_art event %}` → the generated picture (inline SVG, no external asset)
`{{ event|map_link }}` → the organiser's map link, or a map search for the address
"""

from urllib.parse import quote_plus

from django import template

from events.artwork import art_for
from events.dates import format_when, time_zone_of, with_year, zone_city
from events.share_image import text_width

register = template.Library()

MAP_SEARCH = "https://www.google.com/maps/search/?api=1&query="


@register.simple_tag
def date_parts(value, zone: str) -> dict:
    """One moment as the pages show it, in `zone` and the active language."""
    if value is None:
        return {}
    return {
        "day": format_when(value, with_year(value, "day"), tz=zone),
        "short": format_when(value, with_year(value, "short"), tz=zone),
        "month": format_when(value, "month", tz=zone),
        "daynum": format_when(value, "daynum", tz=zone),
        "start": format_when(value, "time", tz=zone),
        "zone": zone,
        "city": zone_city(zone),
    }


@register.simple_tag
def event_dates(event) -> dict:
    zone = time_zone_of(event)
    return {
        **date_parts(event.starts_at, zone),
        "end": format_when(event.ends_at, "time", tz=zone),
    }


@register.simple_tag
def zone_dates(obj) -> dict:
    """The zone a series' times are told in, and its city's name."""
    zone = time_zone_of(obj)
    return {"zone": zone, "city": zone_city(zone)}


def _bubble(text: str, *, right: int, top: int, tail_left: bool) -> dict:
    size, height = 26, 60
    # Measured in DejaVu, wider than what browsers pick for system-ui: it fits.
    width = text_width(text, size) + 56
    left = right - width
    bottom = top + height
    if tail_left:
        tail = f"M{left + 30} {bottom - 6} L{left + 8} {bottom + 26} L{left + 68} {bottom - 4} Z"
    else:
        tail = f"M{right - 30} {bottom - 6} L{right - 8} {bottom + 26} L{right - 68} {bottom - 4} Z"
    return {
        "text": text,
        "x": left,
        "y": top,
        "width": width,
        "height": height,
        "radius": height // 2,
        "tail": tail,
        "text_x": left + 28,
        "text_y": top + height // 2 + round(size * 0.36),
        "size": size,
    }


# Where the bubbles sit (right edge, top) in the 800×400 drawing. Cards and event
# pages are 2:1 or wider; the home page's picture is 4:3, so its bubbles keep to the
# middle third that survives the crop, and it says a little more.
BUBBLE_LAYOUTS = {
    "card": ((700, 110, False), (600, 206, True)),
    "hero": ((700, 110, False), (600, 206, True)),
    "home": ((545, 80, False), (455, 170, True), (565, 260, False)),
}


@register.inclusion_tag("events/_event_art.html")
def event_art(obj=None, variant: str = "card") -> dict:
    art = art_for(obj)
    layout = BUBBLE_LAYOUTS.get(variant, BUBBLE_LAYOUTS["card"])
    texts = list(art.greeting)
    if len(layout) > len(texts):
        texts.append("¿Hablamos?")
    return {
        "art": art,
        "variant": variant,
        # One per picture: sessions of a series share a look, not an id.
        "gradient_id": f"art-{obj.pk.hex if obj is not None else 'site'}-{variant}",
        "bubbles": [
            _bubble(text, right=right, top=top, tail_left=tail_left)
            for text, (right, top, tail_left) in zip(texts, layout, strict=False)
        ],
    }


@register.filter
def map_link(obj) -> str:
    if getattr(obj, "map_url", ""):
        return obj.map_url
    if not getattr(obj, "venue_address", ""):
        return ""
    place = ", ".join(p for p in (obj.venue_name, obj.venue_address) if p)
    return MAP_SEARCH + quote_plus(place)
