from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

from community.sessions import token_epoch_is_current


class EpochJWTAuthentication(JWTAuthentication):
    """simplejwt's bearer authentication, refusing access tokens issued before the
    user was last signed out everywhere (password, email or role change)."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if not token_epoch_is_current(token=validated_token, user=user):
            raise InvalidToken(
                _("This token is no longer valid. Please sign in again.")
            )
        return user


class EpochJWTScheme(SimpleJWTScheme):
    """The same bearer scheme in the OpenAPI schema (registered on import)."""

    target_class = "community.api.authentication.EpochJWTAuthentication"
