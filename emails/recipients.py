"""Who an email goes to: an address, a name to greet, a language, the account."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    user: object | None


def recipient_language(code: str | None) -> str:
    """`code` when the site speaks it, else the site's language."""
    codes = {code for code, _ in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def recipient_for(*, user=None, email: str = "", name: str = "") -> Recipient | None:
    """The user's address and language; a guest's address in the site language.
    None for an inactive account or no address."""
    if user is not None:
        if not user.is_active:
            return None
        return Recipient(
            email=user.email,
            name=user.get_short_name() or name,
            language=recipient_language(user.language),
            user=user,
        )
    if not email:
        return None
    return Recipient(
        email=email, name=name or email, language=settings.LANGUAGE_CODE, user=None
    )
