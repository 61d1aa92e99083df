import threading

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import aware_utcnow

from community.selectors import user_by_pk
from community.sessions import token_epoch_is_current

# Access tokens this process has verified, by their exact text: a scanner or an app
# sends the same token with every request until it expires, and verifying its
# signature and claims again each time was a twentieth of a door scan's CPU. What
# can change after the first check is rechecked on every use: the expiry here, the
# user and the sign-out epoch in get_user. Access tokens have no blacklist (only
# refresh tokens do), and a changed signing key means a restart.
_VERIFIED: dict[bytes, object] = {}
_VERIFIED_MAX = 2048
_VERIFIED_LOCK = threading.Lock()


class EpochJWTAuthentication(JWTAuthentication):
    """simplejwt's bearer authentication, refusing access tokens issued before the
    user was last signed out everywhere (password, email or role change)."""

    def get_validated_token(self, raw_token):
        token = _VERIFIED.get(raw_token)
        if token is not None:
            try:
                token.check_exp(current_time=aware_utcnow())
            except TokenError:
                with _VERIFIED_LOCK:
                    _VERIFIED.pop(raw_token, None)
            else:
                return token
        # New to this process, or expired: simplejwt verifies it. Its refusal
        # lists each token class's reason in English; the client needs one
        # sentence in its language and the code (token_not_valid: refresh).
        try:
            token = super().get_validated_token(raw_token)
        except InvalidToken:
            raise InvalidToken(
                _(
                    "This token is not valid or has expired. Refresh it or sign in again."
                )
            ) from None
        with _VERIFIED_LOCK:
            if len(_VERIFIED) >= _VERIFIED_MAX:
                del _VERIFIED[next(iter(_VERIFIED))]  # the oldest
            _VERIFIED[raw_token] = token
        return token

    def get_user(self, validated_token):
        # simplejwt's checks, with the user read by one statement written once
        # (community.selectors.user_by_pk) instead of a queryset built per request:
        # every API request pays for this lookup. USER_ID_FIELD is the primary key;
        # CHECK_REVOKE_TOKEN stays off, the epoch below revokes instead.
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError:
            raise InvalidToken(
                _("Token contained no recognizable user identification")
            ) from None
        user = user_by_pk(user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if not token_epoch_is_current(token=validated_token, user=user):
            raise InvalidToken(
                _("This token is no longer valid. Please sign in again.")
            )
        return user


class EpochJWTScheme(SimpleJWTScheme):
    """The same bearer scheme in the OpenAPI schema (registered on import)."""

    target_class = "community.api.authentication.EpochJWTAuthentication"
