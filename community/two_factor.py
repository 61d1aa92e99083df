"""Two-factor sign-in for staff (django-otp): an authenticator app (TOTP) and ten
single-use recovery codes.

Offered to every staff role, required for the roles in TWO_FACTOR_REQUIRED_ROLES
(admins by default); members are never asked. Whoever has a confirmed app gives a
code after the password on every way in: the site's sign-in form and sign-in links
(community.two_factor_views), Django Admin and any other session
(community.two_factor_middleware) and the API's login (community.api.two_factor).

Codes are checked against one device at a time, under its row lock, so django-otp's
throttling (a wait that doubles after each wrong code) and its replay guard (a TOTP
code is accepted once) hold under concurrent requests.
"""

import time

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    login,
    logout,
    update_session_auth_hash,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from community.audit import audit_record
from community.mail import account_email_send
from community.models import Role, User
from community.sessions import user_revoke_sessions

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"
STAFF_ROLES = (Role.ADMIN, Role.ORGANIZER, Role.VOLUNTEER)


# --- Who is asked -------------------------------------------------------------------


def two_factor_offered(user) -> bool:
    return user.is_authenticated and user.role in STAFF_ROLES


def two_factor_required(user) -> bool:
    """Whether the user must set up an app before doing anything else."""
    return two_factor_offered(user) and user.role in settings.TWO_FACTOR_REQUIRED_ROLES


def two_factor_app(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if two-factor applies to them (a
    member who used to be staff is not asked for a code)."""
    if not two_factor_offered(user):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_enabled(user) -> bool:
    return two_factor_offered(user) and (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Checking codes -------------------------------------------------------------------


def _normalise(code) -> str:
    # Apps show "123 456"; people copy recovery codes with stray spaces or dashes.
    return "".join(str(code or "").split()).replace("-", "").lower()


def _check_code(device: Device, code: str) -> None:
    """Verify `code` on `device` under its row lock. Raises after the transaction
    committed, so a wrong code's throttling is kept."""
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, info = locked.verify_is_allowed()
        verified = allowed and locked.verify_token(code)
    if not allowed:
        wait = max(1, int((info["locked_until"] - timezone.now()).total_seconds()) + 1)
        raise ValidationError(
            ngettext(
                "Too many wrong codes. Wait %(seconds)d second and try again.",
                "Too many wrong codes. Wait %(seconds)d seconds and try again.",
                wait,
            )
            % {"seconds": wait},
            code="otp_throttled",
        )
    if not verified:
        raise ValidationError(
            _("That code is not right, or it was already used. Try the next one."),
            code="otp_invalid",
        )


def two_factor_verify(*, user: User, code: str) -> Device:
    """Check a sign-in code and return the device that accepted it.

    Six digits go to the authenticator app; anything else is tried as a recovery
    code, which then stops working (its use is audited). Raises ValidationError
    with code otp_required, otp_invalid or otp_throttled.
    """
    code = _normalise(code)
    if not code:
        raise ValidationError(
            _("Enter the code from your authenticator app, or a recovery code."),
            code="otp_required",
        )
    if code.isdigit():
        device = two_factor_app(user)
        if device is None or len(code) != device.digits:
            raise ValidationError(
                _("That code is not right, or it was already used. Try the next one."),
                code="otp_invalid",
            )
        _check_code(device, code)
        return device
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is None or not two_factor_offered(user):
        raise ValidationError(
            _("That code is not right, or it was already used. Try the next one."),
            code="otp_invalid",
        )
    _check_code(recovery, code)
    audit_record(
        action="two_factor.recovery_code_used",
        actor=user,
        target=user,
        changes={"codes_left": recovery_codes_left(user)},
    )
    return recovery


# --- Setting up, renewing, removing -----------------------------------------------------


def two_factor_setup_start(*, user: User) -> TOTPDevice:
    """The not-yet-confirmed app the set-up page shows as a QR code (the same one
    while it stays unconfirmed, so reloading the page keeps the code scanned)."""
    if not two_factor_offered(user):
        raise PermissionDenied(_("Two-factor sign-in is for staff accounts."))
    if two_factor_enabled(user):
        raise ValidationError(_("Two-factor sign-in is already set up."))
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, confirmed=False
        )
    return device


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones. The
    device is kept, so a session signed in with a recovery code stays signed in."""
    device, _created = StaticDevice.objects.select_for_update().get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticToken.objects.filter(device=device).delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=code) for code in codes]
    )
    return codes


def two_factor_enable(*, user: User, code: str) -> list[str]:
    """Confirm the app being set up with a code from it, then create recovery codes
    and sign out every session and API token (the caller keeps its own session):
    none of them gave a second factor. Returns the codes, to be shown once."""
    device = two_factor_setup_start(user=user)
    code = _normalise(code)
    if not (code.isdigit() and len(code) == device.digits):
        raise ValidationError(
            _("Enter the 6-digit code your app shows."), code="otp_invalid"
        )
    _check_code(device, code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed:  # the same form sent twice
            raise ValidationError(_("Two-factor sign-in is already set up."))
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        user_revoke_sessions(user=user)
        audit_record(action="two_factor.enabled", actor=user, target=user)
    return codes


@transaction.atomic
def two_factor_recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for a user with two-factor on; the old ones stop working."""
    if not two_factor_enabled(user):
        raise ValidationError(_("Set up two-factor sign-in first."))
    codes = _new_recovery_codes(user)
    audit_record(
        action="two_factor.recovery_codes_renewed",
        actor=user,
        target=user,
    )
    return codes


def _delete_devices(user: User) -> bool:
    deleted, _per_model = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()  # its codes go with it
    return deleted > 0


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """The user turns two-factor off (the caller checked their password or a code).
    Every session and API token ends; the caller keeps its own session."""
    if _delete_devices(user):
        user_revoke_sessions(user=user)
        audit_record(action="two_factor.disabled", actor=user, target=user)


@transaction.atomic
def two_factor_reset(*, user: User, actor: User) -> None:
    """An admin clears the two-factor sign-in of another staff member who lost their
    phone. Admins only and never their own (an admin's own is recovered by another
    admin, or with a recovery code). Audited under the admin; the user is signed
    out everywhere and gets an email after commit. Locks the user row."""
    if actor.role != Role.ADMIN or not actor.is_active:
        raise PermissionDenied(_("Only admins can reset two-factor sign-in."))
    if actor.pk == user.pk:
        raise ValidationError(
            _(
                "You cannot reset your own two-factor sign-in: use a recovery code, "
                "or ask another admin."
            )
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    had_app = _delete_devices(user)
    user_revoke_sessions(user=user)
    audit_record(
        action="two_factor.reset",
        actor=actor,
        target=user,
        changes={"had_app": had_app},
    )
    context = {"name": user.get_short_name()}
    language = user.language or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: account_email_send(
            to=user.email,
            template="two_factor_reset",
            context=context,
            language=language,
            user=user,
        )
    )


# --- The sign-in in the session -------------------------------------------------------
#
# A user with an app who gave only the password is not signed in: the session holds
# a pending sign-in (PENDING_KEY) that only the code page reads. A signed-in session
# notes whether its user had an app when they signed in (APP_FLAG_KEY), so staff
# without one cost no query per request; django-otp keeps the device that verified
# the session, and request.user.is_verified() tells.

PENDING_KEY = "two_factor_pending"
APP_FLAG_KEY = "two_factor_app"
PENDING_SECONDS = 5 * 60
PENDING_MAX_FAILURES = 5


def remember_app_at_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver (every sign-in, Django Admin's and tests' included)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[APP_FLAG_KEY] = two_factor_enabled(user)


def two_factor_required_step(
    *, request, user: User, backend: str, next_url: str = ""
) -> HttpResponse | None:
    """After the password or a sign-in link: if `user` has an app, leave them
    signed out with a pending sign-in and return the redirect to the code page.
    None: no code is owed, sign in as usual."""
    if not two_factor_enabled(user):
        return None
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": str(user.pk),
        "backend": backend,
        "next": str(next_url),
        # A password change or "sign out everywhere" meanwhile ends it.
        "hash": user.get_session_auth_hash(),
        "since": time.time(),
        "failures": 0,
    }
    return redirect("community:two_factor_verify")


def pending_sign_in(request) -> tuple[User, dict] | None:
    """The user whose sign-in waits for a code, with its state; None if there is
    none, it expired or the account changed since."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if (
        user is None
        or time.time() - data.get("since", 0) > PENDING_SECONDS
        or not constant_time_compare(
            str(data.get("hash", "")), user.get_session_auth_hash()
        )
    ):
        request.session.pop(PENDING_KEY, None)
        return None
    return user, data


def pending_sign_in_failed(request, data: dict) -> bool:
    """Count a wrong code; True when the pending sign-in is used up (start again
    with the password: the device's own throttle keeps growing across attempts)."""
    failures = int(data.get("failures", 0)) + 1
    if failures >= PENDING_MAX_FAILURES:
        request.session.pop(PENDING_KEY, None)
        return True
    request.session[PENDING_KEY] = {**data, "failures": failures}
    return False


def complete_sign_in(request, *, user: User, device: Device, backend: str) -> None:
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=backend)
    otp_login(request, device)
    request.session[APP_FLAG_KEY] = True


def session_verified_with(request, device: Device) -> None:
    """The current session gave a code (just set up the app): keep it signed in
    after the sign-out everywhere that setting up causes, and verified."""
    update_session_auth_hash(request, request.user)
    otp_login(request, device)
    request.session[APP_FLAG_KEY] = True


def session_without_app(request) -> None:
    """The current session turned two-factor off: it stays signed in (the others
    were signed out)."""
    update_session_auth_hash(request, request.user)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[APP_FLAG_KEY] = False


def session_owes(request) -> str | None:
    """What a signed-in session owes before it may do anything: "code" (its user
    has an app but it never gave a code, e.g. signed in through Django Admin's
    form), "setup" (their role must set up an app first), or None."""
    user = request.user
    if not (user.is_authenticated and two_factor_offered(user)):
        return None
    has_app = request.session.get(APP_FLAG_KEY)
    if has_app is None:  # a session from before two-factor existed
        has_app = request.session[APP_FLAG_KEY] = two_factor_enabled(user)
    if has_app:
        if user.is_verified():
            return None
        if two_factor_enabled(user):
            return "code"
        request.session[APP_FLAG_KEY] = False  # reset by an admin meanwhile
    return "setup" if two_factor_required(user) else None


def hold_for_code(request, *, next_url: str = "") -> None:
    """Turn a session that skipped the code into a pending sign-in."""
    user = request.user
    backend = request.session.get(
        BACKEND_SESSION_KEY, settings.AUTHENTICATION_BACKENDS[-1]
    )
    logout(request)
    two_factor_required_step(
        request=request, user=user, backend=backend, next_url=next_url
    )
