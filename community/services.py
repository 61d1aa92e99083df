"""Writes on users: creation, roles, profile, consent, verification, email change."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import tokens
from community.audit import audit_record
from community.mail import absolute_url, account_email_send
from community.models import Role, User
from community.roles import apply_role_groups


@transaction.atomic
def user_register(
    *, email: str, password: str, name: str = "", language: str = ""
) -> User:
    """Create a member with a password that passes the validators."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("An account with this email already exists.")}
        )
    candidate = User(email=email, name=name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
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


@transaction.atomic
def user_set_role(
    *, user: User, role: str, actor: User | None = None, request=None
) -> User:
    """Change a user's role, its admin flags and groups; audited."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    before = user.role
    user.role = role
    user.save()
    apply_role_groups(user)
    if before != role:
        audit_record(
            action="user.role_changed",
            actor=actor,
            target=user,
            changes={"role": [before, role]},
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
    """Email a link that confirms the address (after commit)."""
    token = tokens.make_token(user=user, purpose="verify")
    language = _language(user, language)
    _send_on_commit(
        to=user.email,
        template="verify_email",
        context={
            "name": user.get_short_name(),
            "url": absolute_url(
                "community:verify_email", language=language, token=token
            ),
        },
        language=language,
        user=user,
    )


def user_send_login_link(*, email: str, language: str = "", reason: str = "") -> None:
    """Email a single-use sign-in link if an active account has this address;
    otherwise do nothing, visibly the same."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    language = _language(user, language)
    token = tokens.make_token(user=user, purpose="login")
    _send_on_commit(
        to=user.email,
        template="login_link",
        context={
            "name": user.get_short_name(),
            "url": absolute_url("community:login_link", language=language, token=token),
            "minutes": settings.SIGN_IN_LINK_MINUTES,
            "reason": reason,
        },
        language=language,
        user=user,
    )


@transaction.atomic
def user_signup(
    *, email: str, password: str, name: str = "", language: str = ""
) -> User | None:
    """Create a member and email a verification link; if the address already has an
    account, email its owner a sign-in link instead. Returns the new user or None.

    The password is hashed on both paths so the answer takes as long either way.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        make_password(password)
        user_send_login_link(email=email, language=language, reason="signup")
        return None
    user = user_register(email=email, password=password, name=name, language=language)
    user_send_verification(user=user, language=language)
    return user


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


@transaction.atomic
def user_set_marketing_consent(
    *, user: User, consent: bool, source: str = "profile", request=None
) -> User:
    """Give or withdraw consent to news by email; the time is kept on the user and
    the history in the audit trail."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.marketing_consent == consent:
        return user
    user.marketing_consent = consent
    user.marketing_consent_at = timezone.now()
    user.save(update_fields=["marketing_consent", "marketing_consent_at", "updated_at"])
    audit_record(
        action="user.consent_given" if consent else "user.consent_withdrawn",
        actor=user,
        target=user,
        changes={"marketing_consent": [not consent, consent], "source": source},
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
            user=locked, consent=consent, request=request
        )
    return locked


def user_request_email_change(
    *, user: User, new_email: str, language: str = ""
) -> None:
    """Send a confirmation link to the new address; nothing changes until it is used."""
    new_email = User.objects.normalize_email(new_email).strip().lower()
    language = _language(user, language)
    token = tokens.make_token(user=user, purpose="email_change", new=new_email)
    _send_on_commit(
        to=new_email,
        template="email_change",
        context={
            "name": user.get_short_name(),
            "url": absolute_url(
                "community:email_change_confirm", language=language, token=token
            ),
        },
        language=language,
        user=user,
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
    audit_record(
        action="user.email_changed",
        actor=user,
        target=user,
        changes={"email": [before, new_email]},
        request=request,
    )
    return user
