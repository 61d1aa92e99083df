"""Changes a member makes to their account: password, news consent, profile and
address."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from community.models import User
from community.services.signin import account_email_on_commit, account_language
from community.sessions import user_revoke_sessions
from spanglish.errors import ConflictError


@transaction.atomic
def user_set_password(
    *,
    user: User,
    password: str | None,
    reset: bool = False,
    actor: User | None = None,
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
    )
    account_email_on_commit(
        to=user.email,
        template="password_changed",
        context={"name": user.get_short_name()},
        language=account_language(user, ""),
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
    )
    return user


PROFILE_FIELDS = ("name", "phone", "language")


@transaction.atomic
def user_update_profile(*, user: User, actor: User | None = None, **fields) -> User:
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
        )
    if consent is not None:
        locked = user_set_marketing_consent(user=locked, consent=consent, actor=actor)
    return locked


def user_request_email_change(
    *, user: User, new_email: str, language: str = ""
) -> None:
    """Send a confirmation link to the new address; nothing changes until it is used.
    The link (for the address it is sent to) is minted by the worker at send time."""
    new_email = User.objects.normalize_email(new_email).strip().lower()
    language = account_language(user, language)
    account_email_on_commit(
        to=new_email,
        template="email_change",
        context={"name": user.get_short_name()},
        language=language,
        user=user,
        link="email_change",
    )


@transaction.atomic
def user_change_email(*, user: User, new_email: str) -> User:
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
    )
    # The old address hears of it: if this was not its owner, they can act.
    account_email_on_commit(
        to=before,
        template="email_changed_notice",
        context={"name": user.get_short_name()},
        language=account_language(user, ""),
        user=user,
    )
    return user


@transaction.atomic
def user_set_email_by_staff(
    *, user: User, email: str, actor: User | None = None
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
    )
    # The old address hears of it: if the change was a mistake or a trick played
    # on staff, its owner can say so.
    account_email_on_commit(
        to=before,
        template="email_changed_notice",
        context={"name": user.get_short_name()},
        language=account_language(user, ""),
        user=user,
    )
    return user
