"""Dates and times as a visitor reads them, per language, through Babel's CLDR data:
"jueves, 12 de marzo" and "Thursday 12 March", always the 24-hour clock.

Used by the event pages, cards, the share image and the widget; Django's `date`
filter has no per-language patterns ("l j F" reads "jueves 12 marzo" in Spanish).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, get_timezone_location
from django.conf import settings
from django.utils import timezone

from spanglish.i18n import active_language

# British English: day before month and a 24-hour clock, as the Spanish side has.
BABEL_LOCALES = {"es": "es_ES", "en": "en_GB"}
# Parsed once: Babel would parse the locale name on every call.
_LOCALES = {code: Locale.parse(name) for code, name in BABEL_LOCALES.items()}
# Which locale Open Graph names for each language.
OG_LOCALES = {"es": "es_ES", "en": "en_GB"}

PATTERNS = {
    "day": {"es": "EEEE, d 'de' MMMM", "en": "EEEE d MMMM"},
    "day_year": {"es": "EEEE, d 'de' MMMM 'de' y", "en": "EEEE d MMMM y"},
    "short": {"es": "EEE d MMM", "en": "EEE d MMM"},
    "short_year": {"es": "EEE d MMM y", "en": "EEE d MMM y"},
    "month": {"es": "LLL", "en": "LLL"},
    "weekday": {"es": "EEEE", "en": "EEEE"},
    "daynum": {"es": "d", "en": "d"},
    "time": {"es": "HH:mm", "en": "HH:mm"},
}


def babel_locale(language: str | None = None) -> Locale:
    return _LOCALES.get((language or active_language())[:2], _LOCALES["en"])


def format_when(
    value: datetime | None,
    style: str,
    *,
    language: str | None = None,
    tz: ZoneInfo | str | None = None,
) -> str:
    """`value` in the active (or given) time zone, in one of PATTERNS' styles. The
    first letter is capitalised: these are read at the start of a line."""
    if value is None:
        return ""
    lang = (language or active_language())[:2]
    zone = (
        ZoneInfo(tz) if isinstance(tz, str) else tz or timezone.get_current_timezone()
    )
    pattern = PATTERNS[style].get(lang, PATTERNS[style]["en"])
    text = format_datetime(value, pattern, tzinfo=zone, locale=babel_locale(lang))
    return text[:1].upper() + text[1:]


def with_year(value: datetime, style: str) -> str:
    """`style`, or its `_year` twin when `value` falls in another year than now."""
    return f"{style}_year" if value.year != timezone.localdate().year else style


def zone_city(zone: str, *, language: str | None = None) -> str:
    """ "Europe/Madrid" → "Madrid"; "Europe/London" → "Londres" in Spanish."""
    try:
        city = get_timezone_location(
            ZoneInfo(zone), locale=babel_locale(language), return_city=True
        )
    except (LookupError, ValueError):
        city = zone
    return city.rsplit("/", 1)[-1].replace("_", " ")


def time_zone_of(obj) -> str:
    """The zone an event's or series' times are told in: a series' own; a session's
    series' when that row is already loaded (no query from a template); else the
    site's."""
    zone = getattr(obj, "time_zone", "")
    if zone:
        return zone
    if getattr(obj, "series_id", None):
        field = type(obj)._meta.get_field("series")
        if field.is_cached(obj) and obj.series.time_zone:
            return obj.series.time_zone
    return settings.TIME_ZONE
