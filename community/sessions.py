"""Signing a user out everywhere: site sessions and API tokens, in one place.

Used after a password reset or change, an email change, a role change, when the
owner of an address takes back an account someone else registered, and by erasure.
"""

from django.db import transaction
from django.db.models import F
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from community.models import User

EPOCH_CLAIM = "auth_epoch"
AUTH_TIME_CLAIM = "auth_time"


@transaction.atomic
def user_revoke_sessions(*, user: User) -> User:
    """End every session, refresh token and access token of `user`.

    Bumps `auth_epoch` (sessions hash it, tokens carry it as a claim, so access
    tokens die too) and blacklists every outstanding refresh token. `user` is
    updated in place, so a caller that saves it afterwards keeps the new epoch.
    """
    User.objects.filter(pk=user.pk).update(auth_epoch=F("auth_epoch") + 1)
    user.refresh_from_db(fields=["auth_epoch"])
    outstanding = OutstandingToken.objects.filter(user_id=user.pk).exclude(
        blacklistedtoken__isnull=False
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding],
        ignore_conflicts=True,
    )
    return user


def token_epoch_is_current(*, token, user: User) -> bool:
    """Whether a JWT was issued in the user's current sign-in generation.

    Tokens minted without the claim (by RefreshToken.for_user in scripts and
    tests) count as generation 0: they die at the first revocation like the rest.
    """
    try:
        epoch = int(token.get(EPOCH_CLAIM, 0))
    except (TypeError, ValueError):
        return False
    return epoch == user.auth_epoch
