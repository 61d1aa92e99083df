"""Writes on users: creation, roles, profile, consent, verification, email change."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from community.mail import account_email_send
from community.models import Role, User
from community.roles import apply_role_groups
from community.sessions import user_revoke_sessions
from spanglish.errors import ConflictError


def _validate_new_password(*, password: str, email: str, name: str) -> None:
    candidate = User(email=email, name=name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@transaction.atomic
def user_register(
    *, email: str, password: str, name: str = "", language: str = ""
) -> User:
    """Create a member with a password that passes the validators. The address is
    unproven: the password does not sign in until it is (see user_confirm_signup)."""
    email = User.objects.normalize_email(email).strip().lower()
    # The password is judged before the address, against the candidate only, so
    # the answer is the same whether or not the address has an account.
    _validate_new_password(password=password, email=email, name=name)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("An account with this email already exists.")}
        )
    fields = {"name": name}
    if language:
        fields["language"] = language
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, **fields)
    except IntegrityError as exc:  # a concurrent registration won the race
        raise ValidationError(
            {"email": _("An account with this email already exists.")}
        ) from exc


@transaction.atomic
def user_get_or_create_by_email(
    *, email: str, name: str = "", language: str = ""
) -> tuple[User, bool]:
    """Match a visitor to an account by email, or create a passwordless member."""
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    extra = {"name": name}
    if language:
        extra["language"] = language
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=None, **extra)
    except IntegrityError:
        return User.objects.get(email__iexact=email), False
    return user, True


def _active_admin_ids(*, lock: bool) -> list:
    admins = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk")
    if lock:
        # Ordered by id, so every transaction takes these locks in the same order;
        # no_key leaves foreign-key checks (audit entries naming an admin) unblocked.
        admins = admins.select_for_update(no_key=True)
    return list(admins.values_list("pk", flat=True))


def user_ensure_admin_remains(
    *, user: User, stays_admin: bool, lock: bool = True
) -> None:
    """Raise ConflictError if `user` is the last active admin and is about to stop
    being one (demoted, deactivated or erased).

    Locks the active admins' rows before counting them, so two admins demoting each
    other at once are serialised and the second one is refused; call it before
    locking the user's own row. `lock=False` only previews (admin confirmation pages).
    """
    if stays_admin:
        return
    if _active_admin_ids(lock=lock) == [user.pk]:
        raise ConflictError(
            _(
                "The site needs at least one active admin: make someone else an "
                "admin first."
            ),
            code="last_admin",
        )


@transaction.atomic
def user_set_role(
    *, user: User, role: str, actor: User | None = None, request=None
) -> User:
    """Change a user's role, its admin flags and groups; audited.

    Nobody changes their own role, and the last active admin stays one
    (ConflictError); the active admins' rows, then the user's, are locked first.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    user_ensure_admin_remains(user=user, stays_admin=role == Role.ADMIN)
    before = User.objects.select_for_update().get(pk=user.pk).role
    if before != role and actor is not None and actor.pk == user.pk:
        raise ConflictError(
            _("You cannot change your own role. Ask another admin."),
            code="own_account",
        )
    user.role = role
    user.save(update_fields=["role", "is_staff", "is_superuser", "updated_at"])
    apply_role_groups(user)
    if before != role:
        user_revoke_sessions(user=user)
        audit_record(
            action="user.role_changed",
            actor=actor,
            target=user,
            changes={"role": [before, role]},
            request=request,
        )
    return user


@transaction.atomic
def user_set_active(
    *, user: User, active: bool, actor: User | None = None, request=None
) -> User:
    """Deactivate (ending their sessions and tokens) or reactivate an account;
    audited. Nobody deactivates themselves, and the last active admin stays active
    (ConflictError); locks as user_set_role does."""
    user_ensure_admin_remains(user=user, stays_admin=active)
    before = User.objects.select_for_update().get(pk=user.pk).is_active
    if before and not active and actor is not None and actor.pk == user.pk:
        raise ConflictError(
            _("You cannot deactivate your own account. Ask another admin."),
            code="own_account",
        )
    user.is_active = active
    if before == active:
        return user
    user.save(update_fields=["is_active", "updated_at"])
    if not active:
        user_revoke_sessions(user=user)
    audit_record(
        action="user.reactivated" if active else "user.deactivated",
        actor=actor,
        target=user,
        changes={"is_active": [before, active]},
        request=request,
    )
    return user


# --- Sign-up, verification, sign-in links, email change ---------------------------
#
# None of these tell a visitor whether an address has an account: the page says the
# same thing either way, and the difference (if any) arrives in that inbox only.


def _language(user: User | None, language: str) -> str:
    return language or (user.language if user else "") or settings.LANGUAGE_CODE


def _send_on_commit(**kwargs) -> None:
    transaction.on_commit(lambda: account_email_send(**kwargs))


def user_send_verification(*, user: User, language: str = "") -> None:
    """Email a link that confirms the address (after commit; the worker mints the
    link when it sends, the log keeps a placeholder)."""
    language = _language(user, language)
    _send_on_commit(
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
    language = _language(user, language)
    _send_on_commit(
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
    _validate_new_password(password=password, email=email, name=name)
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


@transaction.atomic
def user_set_password(
    *,
    user: User,
    password: str | None,
    reset: bool = False,
    actor: User | None = None,
    request=None,
) -> User:
    """Set a new password (validated by the caller's form; None: no password, sign
    in by link only), sign the user out everywhere and tell their address.
    `reset`: set through an emailed link, which proves the address. `actor`: staff
    setting it in admin (the user themselves by default). Locks the user row; the
    notice goes after commit."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    fields = ["password", "updated_at"]
    if reset and user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    user_revoke_sessions(user=user)
    by_staff = actor is not None and actor.pk != user.pk
    audit_record(
        action="user.password_changed",
        actor=actor or user,
        target=user,
        changes={
            "by": "staff" if by_staff else "reset" if reset else "change",
            "usable": password is not None,
        },
        request=request,
    )
    _send_on_commit(
        to=user.email,
        template="password_changed",
        context={"name": user.get_short_name()},
        language=_language(user, ""),
        user=user,
    )
    return user


@transaction.atomic
def user_set_marketing_consent(
    *,
    user: User,
    consent: bool,
    actor: User | None = None,
    source: str = "profile",
    request=None,
) -> User:
    """Give or withdraw consent to news by email; the time is kept on the user and
    the history in the audit trail, under whoever acted (the member by default).

    Consent is the member's own to give: anyone else gets PermissionDenied. Staff
    may record a withdrawal (a member asked at the door), audited with source "staff".
    """
    by_staff = actor is not None and actor.pk != user.pk
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.marketing_consent == consent:
        return user
    if consent and by_staff:
        raise PermissionDenied(
            _(
                "Only the member can give consent to news by email; staff can only "
                "record a withdrawal."
            )
        )
    user.marketing_consent = consent
    user.marketing_consent_at = timezone.now()
    user.save(update_fields=["marketing_consent", "marketing_consent_at", "updated_at"])
    audit_record(
        action="user.consent_given" if consent else "user.consent_withdrawn",
        actor=actor if by_staff else user,
        target=user,
        changes={
            "marketing_consent": [not consent, consent],
            "source": "staff" if by_staff else source,
        },
        request=request,
    )
    return user


PROFILE_FIELDS = ("name", "phone", "language")


@transaction.atomic
def user_update_profile(
    *, user: User, actor: User | None = None, request=None, **fields
) -> User:
    """Update name, phone, language (and news consent, through its own rule)."""
    consent = fields.pop("marketing_consent", None)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    changes = {
        name: [getattr(locked, name), value]
        for name, value in fields.items()
        if getattr(locked, name) != value
    }
    for name, (_before, after) in changes.items():
        setattr(locked, name, after)
    if changes:
        locked.full_clean(exclude=["password", "email"])
        locked.save(update_fields=[*changes, "updated_at"])
        audit_record(
            action="user.profile_changed",
            actor=actor or user,
            target=locked,
            changes=changes,
            request=request,
        )
    if consent is not None:
        locked = user_set_marketing_consent(
            user=locked, consent=consent, actor=actor, request=request
        )
    return locked


def user_request_email_change(
    *, user: User, new_email: str, language: str = ""
) -> None:
    """Send a confirmation link to the new address; nothing changes until it is used.
    The link (for the address it is sent to) is minted by the worker at send time."""
    new_email = User.objects.normalize_email(new_email).strip().lower()
    language = _language(user, language)
    _send_on_commit(
        to=new_email,
        template="email_change",
        context={"name": user.get_short_name()},
        language=language,
        user=user,
        link="email_change",
    )


@transaction.atomic
def user_change_email(*, user: User, new_email: str, request=None) -> User:
    """Move the account to a confirmed new address (verified by the confirmation)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    new_email = new_email.strip().lower()
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise ValidationError(_("This address already belongs to another account."))
    before = user.email
    user.email = new_email
    user.email_verified_at = timezone.now()
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at", "updated_at"])
    except IntegrityError as exc:
        raise ValidationError(
            _("This address already belongs to another account.")
        ) from exc
    user_revoke_sessions(user=user)
    audit_record(
        action="user.email_changed",
        actor=user,
        target=user,
        changes={"email": [before, new_email]},
        request=request,
    )
    # The old address hears of it: if this was not its owner, they can act.
    _send_on_commit(
        to=before,
        template="email_changed_notice",
        context={"name": user.get_short_name()},
        language=_language(user, ""),
        user=user,
    )
    return user


@transaction.atomic
def user_set_email_by_staff(
    *, user: User, email: str, actor: User | None = None, request=None
) -> User:
    """Staff typed a new address for `user` (admin's change form). Nobody proved it,
    so it is marked unproven (its password signs in again once the owner confirms
    it); every session and token ends, and the old address hears of it.

    Locks the user row and compares with the stored address (admin's form has
    already put the new one on `user`); `user` is updated in place, since admin
    saves it afterwards. ConflictError if another account has the address.
    """
    before = User.objects.select_for_update().only("email").get(pk=user.pk).email
    new_email = User.objects.normalize_email(email).strip().lower()
    user.email = new_email
    if new_email == before:
        return user
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise ConflictError(
            _("This address already belongs to another account."), code="email_taken"
        )
    user.email_verified_at = None
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at", "updated_at"])
    except IntegrityError as exc:  # a concurrent change took the address
        raise ConflictError(
            _("This address already belongs to another account."), code="email_taken"
        ) from exc
    user_revoke_sessions(user=user)
    audit_record(
        action="user.email_changed",
        actor=actor,
        target=user,
        changes={"email": [before, new_email], "by": "staff"},
        request=request,
    )
    # The old address hears of it: if the change was a mistake or a trick played
    # on staff, its owner can say so.
    _send_on_commit(
        to=before,
        template="email_changed_notice",
        context={"name": user.get_short_name()},
        language=_language(user, ""),
        user=user,
    )
    return user
