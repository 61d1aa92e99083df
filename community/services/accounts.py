"""Creating accounts: registration with a password, and the passwordless member a
booking or a walk-in makes from an address."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from community.models import User


def password_validate_new(*, password: str, email: str, name: str) -> None:
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
    password_validate_new(password=password, email=email, name=name)
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
