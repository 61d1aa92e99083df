from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings

from community.selectors import user_by_pk
from community.sessions import token_epoch_is_current


class EpochJWTAuthentication(JWTAuthentication):
    """simplejwt's bearer authentication, refusing access tokens issued before the
    user was last signed out everywhere (password, email or role change)."""

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
