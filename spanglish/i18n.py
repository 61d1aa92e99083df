"""Bilingual model fields: `<name>_es` and `<name>_en`, read in the active language."""

from django.conf import settings
from django.utils import translation

LANGUAGE_CODES = tuple(code for code, _ in settings.LANGUAGES)


def active_language() -> str:
    lang = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return lang if lang in LANGUAGE_CODES else settings.LANGUAGE_CODE


def translated(obj, field: str, language: str | None = None) -> str:
    """The field in `language` (default: the active one), else the other language."""
    lang = language or active_language()
    order = [lang, *(code for code in LANGUAGE_CODES if code != lang)]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""
