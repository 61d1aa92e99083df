"""The API login's second factor: staff with an authenticator app send `otp`.

Called by the login serializer once the password is right and before any token is
made, so no token exists for such a user without the code. Errors keep the API's
shape with codes otp_required / otp_invalid (401), otp_throttled (429) and
two_factor_setup_required (403).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions

from community.two_factor import (
    two_factor_enabled,
    two_factor_required,
    two_factor_verify,
)


def api_login_second_factor(*, user, otp) -> None:
    if two_factor_enabled(user):
        try:
            two_factor_verify(user=user, code=otp or "")
        except ValidationError as exc:
            message = exc.messages[0]
            if exc.code == "otp_throttled":
                raise exceptions.Throttled(detail=message, code=exc.code) from exc
            raise exceptions.AuthenticationFailed(message, code=exc.code) from exc
        return
    if two_factor_required(user):
        raise exceptions.PermissionDenied(
            _(
                "Your account must use two-factor sign-in. Sign in on the website "
                "first and set up an authenticator app there; then sign in here "
                "with a code from it."
            ),
            code="two_factor_setup_required",
        )
