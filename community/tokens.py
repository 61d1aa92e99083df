"""Signed, time-limited tokens for links sent by email.

Each token is bound to the account's current state, so it dies when that state
changes: a sign-in link includes the last sign-in time (used once, it is dead),
an email-change link the address it moves away from.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac

from community.models import User

VERIFY_MAX_AGE = timedelta(days=7)
EMAIL_CHANGE_MAX_AGE = timedelta(days=2)


# Purposes whose links die after any sign-in or password change.
SINGLE_USE = {"login"}


def _state(user: User, purpose: str) -> str:
    value = f"{user.pk}|{user.email}"
    if purpose in SINGLE_USE:
        last_login = user.last_login.isoformat() if user.last_login else ""
        value += f"|{user.password}|{last_login}"
    return salted_hmac(f"community.{purpose}", value, algorithm="sha256").hexdigest()[
        :20
    ]


def make_token(*, user: User, purpose: str, **extra) -> str:
    payload = {"u": str(user.pk), "s": _state(user, purpose), **extra}
    return signing.dumps(payload, salt=f"community.{purpose}", compress=True)


def read_token(
    *, token: str, purpose: str, max_age: timedelta
) -> tuple[User, dict] | None:
    """The user and payload of a valid token, or None (bad, expired or used)."""
    try:
        payload = signing.loads(token, salt=f"community.{purpose}", max_age=max_age)
        user = User.objects.filter(pk=payload["u"], is_active=True).first()
    except (signing.BadSignature, KeyError, ValueError, ValidationError):
        return None
    if user is None:
        return None
    if not constant_time_compare(payload.get("s", ""), _state(user, purpose)):
        return None
    return user, payload


def login_link_max_age() -> timedelta:
    return timedelta(minutes=settings.SIGN_IN_LINK_MINUTES)
