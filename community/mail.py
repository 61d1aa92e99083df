"""Account emails (verification, sign-in link, password reset, email change).

They go through the emails app: logged, and sent by the background worker. Their
links are credentials, so they are never rendered here: each email names its link
(`link=` one of LINK_BUILDERS) and the worker mints it when it sends, from the
account's state at that moment (emails.links). The log keeps a placeholder.

Seam (community sits below emails and never imports it): EmailsConfig.ready()
installs the sender with `set_account_mailer(...)` and registers LINK_BUILDERS with
its link registry; a builder raises LinkUnavailable when the link cannot be made.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from community import tokens
from community.models import User


class LinkUnavailable(Exception):
    """The link cannot be made now (account gone, inactive, address changed): the
    email is marked failed, not sent."""


# mailer(*, to, template, context, language, user, link) queues one email.
AccountMailer = Callable[..., object]
_mailer: AccountMailer | None = None


def set_account_mailer(mailer: AccountMailer) -> None:
    """Install what sends account emails (EmailsConfig.ready())."""
    global _mailer
    _mailer = mailer


def absolute_url(name: str, *, language: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def account_email_send(
    *, to: str, template: str, context: dict, language: str, user=None, link: str = ""
) -> None:
    if _mailer is None:
        raise ImproperlyConfigured("No account mailer: is the emails app installed?")
    context = {"site_url": settings.SITE_URL, **context}
    _mailer(
        to=to,
        template=template,
        context=context,
        language=language,
        user=user,
        link=link,
    )


# --- Link builders, registered with the emails app in EmailsConfig.ready() --------


def _to_own_address(user: User, to_email: str) -> None:
    # A link that proves an address or opens the account goes to the account's
    # address only: queued before an email change, it must not reach the old one.
    if user.email.lower() != to_email.lower():
        raise LinkUnavailable("the account's address changed since it was queued")


def login_link_url(*, user: User, to_email: str, language: str) -> str:
    """Single-use: the token holds the last sign-in time, so a link minted at send
    time still dies once any sign-in happens."""
    _to_own_address(user, to_email)
    token = tokens.make_token(user=user, purpose="login")
    return absolute_url("community:login_link", language=language, token=token)


def verify_email_url(*, user: User, to_email: str, language: str) -> str:
    _to_own_address(user, to_email)
    token = tokens.make_token(user=user, purpose="verify")
    return absolute_url("community:verify_email", language=language, token=token)


def email_change_url(*, user: User, to_email: str, language: str) -> str:
    """Sent to the new address, which the link moves the account to: the address
    is the one it was sent to, so nobody can redirect the link elsewhere."""
    new_email = User.objects.normalize_email(to_email).strip().lower()
    token = tokens.make_token(user=user, purpose="email_change", new=new_email)
    return absolute_url(
        "community:email_change_confirm", language=language, token=token
    )


def password_reset_url(*, user: User, to_email: str, language: str) -> str:
    _to_own_address(user, to_email)
    return absolute_url(
        "community:password_reset_confirm",
        language=language,
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )


LINK_BUILDERS = {
    "login": login_link_url,
    "verify": verify_email_url,
    "email_change": email_change_url,
    "password_reset": password_reset_url,
}
