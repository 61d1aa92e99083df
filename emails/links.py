"""Credential links (sign-in, password reset, address verification, email change).

A working credential link must never be stored: not in the email log staff can read,
not in the task arguments the worker keeps. So a credential email is logged with a
placeholder where its link goes and with the name of the link to make (its
`purpose`); the worker asks the builder registered for that purpose for a fresh link
on every attempt, from the account's state at that moment, puts it in the message it
sends and forgets it.

Builders are registered from `AppConfig.ready()`: EmailsConfig registers
community's four (community.mail.LINK_BUILDERS); an app above emails may register
its own. A builder raises LinkUnavailable (community.mail's, re-exported here).
"""

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from community.mail import LinkUnavailable

# Shown in the log (and its exports) where the link was. Translated: the log entry
# reads like the email the member received.
LINK_PLACEHOLDER = _("[link removed from the log]")


# builder(*, user, to_email, language) -> absolute URL; raises LinkUnavailable.
LinkBuilder = Callable[..., str]
_builders: dict[str, LinkBuilder] = {}

__all__ = [
    "LinkUnavailable",
    "link_build",
    "link_placeholder",
    "link_purposes",
    "register_link_builder",
]


def register_link_builder(purpose: str, builder: LinkBuilder) -> None:
    """Make `purpose` a credential link the worker can mint (called from ready())."""
    _builders[purpose] = builder


def link_purposes() -> frozenset[str]:
    return frozenset(_builders)


def link_placeholder(language: str) -> str:
    with translation.override(language):
        return str(LINK_PLACEHOLDER)


def link_build(*, purpose: str, user, to_email: str, language: str) -> str:
    """A fresh credential link for `user`, or LinkUnavailable. Never store it."""
    builder = _builders.get(purpose)
    if builder is None:
        raise LinkUnavailable(f"no link builder for {purpose!r}")
    if user is None or not user.is_active:
        raise LinkUnavailable("the account no longer exists or is inactive")
    return builder(user=user, to_email=to_email, language=language)
