"""Writes on users: creation, roles."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from community.audit import audit_record
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
