"""What a link to the home page, an event or a series shows when pasted in WhatsApp,
Telegram, Instagram, X or an email: Open Graph and Twitter card tags
(templates/events/_share_meta.html), in the page's language.

The picture is the event's banner (a JPEG variant: link previews ignore SVG and often
WebP) or, without one, the PNG drawn by events/share_image.py. Every URL is absolute
on SITE_URL, the site's canonical address.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from events.artwork import art_for
from events.dates import OG_LOCALES, format_when, time_zone_of, with_year
from events.models import Event, EventSeries, EventStatus
from events.share_image import HEIGHT, WIDTH, ShareCard
from spanglish.currency import format_money
from spanglish.i18n import LANGUAGE_CODES, active_language

DESCRIPTION_CHARS = 200
# Previews want at least 600 px wide and refuse heavy files: the largest JPEG
# variant up to this width.
SHARE_IMAGE_MAX_WIDTH = 1200


@dataclass(frozen=True)
class ShareImage:
    url: str
    width: int
    height: int
    type: str
    alt: str


@dataclass(frozen=True)
class ShareMeta:
    title: str
    description: str
    url: str
    image: ShareImage
    locale: str
    locale_alternates: tuple[str, ...]
    alternates: tuple[tuple[str, str], ...] = field(default=())  # (language, URL)
    type: str = "website"


def absolute(url: str) -> str:
    """`url` on the canonical origin; already absolute URLs (a CDN's) are kept."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url


def _meta(
    *, title: str, description: str, url_name: str, kwargs: dict, image: ShareImage
) -> ShareMeta:
    lang = active_language()
    paths = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            paths[code] = reverse(url_name, kwargs=kwargs)
    return ShareMeta(
        title=title,
        description=Truncator(" ".join(description.split())).chars(DESCRIPTION_CHARS),
        url=absolute(paths[lang]),
        image=image,
        locale=OG_LOCALES[lang],
        locale_alternates=tuple(OG_LOCALES[c] for c in LANGUAGE_CODES if c != lang),
        alternates=tuple((code, absolute(path)) for code, path in paths.items()),
    )


def _price(obj) -> str:
    return _("Free") if obj.is_free else format_money(obj.price, obj.currency)


def _place(obj) -> str:
    return obj.venue_name or obj.venue_address


def _generated(card: ShareCard, path: str, alt: str) -> ShareImage:
    return ShareImage(
        url=absolute(f"{path}?v={card.fingerprint}"),
        width=WIDTH,
        height=HEIGHT,
        type="image/png",
        alt=alt,
    )


def banner_share_image(event: Event | None) -> ShareImage | None:
    """The banner's widest JPEG variant that previews accept; None without a
    banner or before the worker made its variants."""
    media = event.banner if event is not None and event.banner_id else None
    if media is None:
        return None
    jpegs = [
        v for v in media.variants_of("jpeg") if v["width"] <= SHARE_IMAGE_MAX_WIDTH
    ]
    if not jpegs:
        return None
    variant = jpegs[-1]
    return ShareImage(
        url=absolute(variant["url"]),
        width=variant["width"],
        height=variant["height"],
        type="image/jpeg",
        alt=media.alt or event.title,
    )


def event_when(event: Event) -> str:
    """ "Thursday 12 March · 19:00–21:00" in the event's zone."""
    zone = time_zone_of(event)
    day = format_when(event.starts_at, with_year(event.starts_at, "day"), tz=zone)
    start = format_when(event.starts_at, "time", tz=zone)
    end = format_when(event.ends_at, "time", tz=zone)
    return f"{day} · {start}–{end}"


def event_share_card(event: Event) -> ShareCard:
    badge = _("Cancelled") if event.status == EventStatus.CANCELLED else _price(event)
    lines = tuple(line for line in (event_when(event), _place(event)) if line)
    return ShareCard(title=event.title, lines=lines, art=art_for(event), badge=badge)


def event_share_meta(event: Event) -> ShareMeta:
    card = event_share_card(event)
    image = banner_share_image(event) or _generated(
        card, reverse("events:share-image", kwargs={"slug": event.slug}), event.title
    )
    return _meta(
        title=event.title,
        description=event.description or " · ".join(card.lines),
        url_name="events:detail",
        kwargs={"slug": event.slug},
        image=image,
    )


def series_share_card(series: EventSeries, rule: str) -> ShareCard:
    lines = tuple(line for line in (rule, _place(series)) if line)
    return ShareCard(
        title=series.title, lines=lines, art=art_for(series), badge=_price(series)
    )


def series_share_meta(
    series: EventSeries, *, rule: str, next_session: Event | None
) -> ShareMeta:
    card = series_share_card(series, rule)
    image = banner_share_image(next_session) or _generated(
        card,
        reverse("events:series-share-image", kwargs={"slug": series.slug}),
        series.title,
    )
    return _meta(
        title=series.title,
        description=series.description or " · ".join(card.lines),
        url_name="events:series-detail",
        kwargs={"slug": series.slug},
        image=image,
    )


def site_share_card() -> ShareCard:
    return ShareCard(
        title=_("Speak Spanish and English with real people"),
        lines=(_("Weekly meetups, workshops and socials"),),
        art=art_for(None),
    )


def home_share_meta() -> ShareMeta:
    card = site_share_card()
    return _meta(
        title=_("Spanglish language exchange"),
        description=_(
            "Weekly meetups, workshops and socials where Spanish and English "
            "speakers help each other learn."
        ),
        url_name="events:home",
        kwargs={},
        image=_generated(card, reverse("events:home-share-image"), card.title),
    )
