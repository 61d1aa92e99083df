"""Sign-up, address verification and sign-in links, and what proving an address
does to a password set before it."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from community.mail import account_email_send
from community.models import User
from community.services.accounts import password_validate_new, user_register
from community.sessions import user_revoke_sessions

# --- Sign-up, verification, sign-in links, email change ---------------------------
#
# None of these tell a visitor whether an address has an account: the page says the
# same thing either way, and the difference (if any) arrives in that inbox only.


def account_language(user: User | None, language: str) -> str:
    """The language of an account email: asked for, else the account's, else the site's."""
    return language or (user.language if user else "") or settings.LANGUAGE_CODE


def account_email_on_commit(**kwargs) -> None:
    """Queue an account email once the surrounding transaction commits."""
    transaction.on_commit(lambda: account_email_send(**kwargs))


def user_send_verification(*, user: User, language: str = "") -> None:
    """Email a link that confirms the address (after commit; the worker mints the
    link when it sends, the log keeps a placeholder)."""
    language = account_language(user, language)
    account_email_on_commit(
        to=user.email,
        template="verify_email",
        context={"name": user.get_short_name()},
        language=language,
        user=user,
        link="verify",
    )


def user_send_login_link(*, email: str, language: str = "", reason: str = "") -> None:
    """Email a single-use sign-in link if an active account has this address;
    otherwise do nothing, visibly the same."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    language = account_language(user, language)
    account_email_on_commit(
        to=user.email,
        template="login_link",
        context={
            "name": user.get_short_name(),
            "minutes": settings.SIGN_IN_LINK_MINUTES,
            "reason": reason,
        },
        language=language,
        user=user,
        link="login",
    )


@transaction.atomic
def user_signup(
    *, email: str, password: str, name: str = "", language: str = ""
) -> User | None:
    """Create a member and email a verification link; if the address already has an
    account, email its owner a sign-in link instead. Returns the new user or None.

    Nothing in the answer depends on the address: the password validators run
    first on both paths (against the same candidate), and the password is hashed
    on both, so a weak password is refused alike and a good one takes as long.
    """
    email = User.objects.normalize_email(email).strip().lower()
    password_validate_new(password=password, email=email, name=name)
    if not User.objects.filter(email__iexact=email).exists():
        try:
            user = user_register(
                email=email, password=password, name=name, language=language
            )
        except ValidationError as exc:
            if "email" not in exc.message_dict:
                raise
            # A concurrent sign-up took the address: answer as for any existing one.
        else:
            user_send_verification(user=user, language=language)
            return user
    make_password(password)
    user_send_login_link(email=email, language=language, reason="signup")
    return None


@transaction.atomic
def user_verify_email(*, user: User, email: str) -> User:
    """Mark the address verified if it is still the account's address."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email != email:
        raise ValidationError(
            _("This link is for an address the account no longer uses.")
        )
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at", "updated_at"])
        audit_record(action="user.email_verified", actor=user, target=user)
    return user


# --- Proving an address, and what it does to a password set before -----------------
#
# Anyone can register someone else's address with a password of their own. So a
# password signs in only once the address is proven, and whoever proves it without
# knowing that password (reset link, sign-in link, "I did not sign up") drops it,
# and every session and token made while it was unproven.

VERIFY_RESEND_SECONDS = 5 * 60


def unverified_login_message() -> str:
    return _("Please confirm your email address first — we sent you a new link.")


def user_resend_verification(*, user: User, language: str = "") -> bool:
    """Email a fresh verification link, at most one per account every few minutes
    (so signing in again and again cannot flood an inbox). True if one was sent."""
    if user.email_verified_at is not None:
        return False
    if not cache.add(f"verify-resend:{user.pk}", 1, timeout=VERIFY_RESEND_SECONDS):
        return False
    user_send_verification(user=user, language=language)
    return True


@transaction.atomic
def user_confirm_signup(*, user: User, email: str, password: str) -> User:
    """The verification link's page: the registrant types the password they chose,
    which proves they are the one who set it; then it is kept and works."""
    if not user.check_password(password):
        raise ValidationError(
            {"password": _("That is not the password of this account.")}
        )
    return user_verify_email(user=user, email=email)


@transaction.atomic
def user_claim_address(*, user: User, email: str) -> User:
    """The address's owner proved it with a link but not the password (sign-in link,
    or "I did not create this account"): if it was unproven, the password set
    before and every session and token are dropped, then the address is verified.
    Locks the user row."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email != email:
        raise ValidationError(
            _("This link is for an address the account no longer uses.")
        )
    if user.email_verified_at is not None:
        return user
    had_password = user.has_usable_password()
    user.set_unusable_password()
    user.email_verified_at = timezone.now()
    user.save(update_fields=["password", "email_verified_at", "updated_at"])
    user_revoke_sessions(user=user)
    audit_record(
        action="user.email_verified",
        actor=user,
        target=user,
        changes={"password_dropped": had_password},
    )
    return user
