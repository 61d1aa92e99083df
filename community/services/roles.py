"""Roles and activity of accounts, with the rule that the site keeps an active admin.

The flags and groups a role implies are set here (community.roles.apply_role_flags),
not in User.save()."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community.audit import audit_record
from community.models import Role, User
from community.roles import apply_role_flags, apply_role_groups
from community.sessions import user_revoke_sessions
from spanglish.errors import ConflictError


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
def user_set_role(*, user: User, role: str, actor: User | None = None) -> User:
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
    apply_role_flags(user)
    user.save(update_fields=["role", "is_staff", "is_superuser", "updated_at"])
    apply_role_groups(user)
    if before != role:
        user_revoke_sessions(user=user)
        audit_record(
            action="user.role_changed",
            actor=actor,
            target=user,
            changes={"role": [before, role]},
        )
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User | None = None) -> User:
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
    )
    return user
