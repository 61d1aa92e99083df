"""Roles map to Django flags and groups, so Django Admin shows each role its share.

- admin: superuser, everything.
- organizer: staff; events, tickets, payments, media, emails; reads members and audit.
- volunteer: no admin access; door check-in pages only.
- member: their own data only.
"""

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Defined here, beside the rules that derive flags and groups from it, so the
    # model imports the roles and not the other way round (community.models.Role
    # is this class).
    ADMIN = "admin", _("Admin")
    ORGANIZER = "organizer", _("Organizer")
    VOLUNTEER = "volunteer", _("Volunteer")
    MEMBER = "member", _("Member")


ORGANIZER_GROUP = "Organizers"
VOLUNTEER_GROUP = "Volunteers"

# Whole apps an organizer manages; new models in them are covered automatically.
ORGANIZER_APPS = (
    "events",
    "tickets",
    "payments",
    "media",
    "emails",
    "calendars",
    "passes",
    "door",
)
ORGANIZER_EXTRA = (
    ("community", "view_user"),
    ("community", "view_auditlog"),
)


def apply_role_flags(user) -> None:
    """Set the Django flags a role implies (admin: superuser and staff; organizer:
    staff). Not saved: called where a user is created or their role changes (the
    manager's create_user/create_superuser, user_set_role, erasure)."""
    user.is_superuser = user.role == Role.ADMIN
    user.is_staff = user.role in (Role.ADMIN, Role.ORGANIZER)


def apply_role_groups(user) -> None:
    wanted = {Role.ORGANIZER: ORGANIZER_GROUP, Role.VOLUNTEER: VOLUNTEER_GROUP}.get(
        user.role
    )
    current = set(user.groups.values_list("name", flat=True))
    managed = {ORGANIZER_GROUP, VOLUNTEER_GROUP}
    if current & managed == ({wanted} if wanted else set()):
        return
    user.groups.remove(*Group.objects.filter(name__in=managed - {wanted}))
    if wanted:
        group, _ = Group.objects.get_or_create(name=wanted)
        user.groups.add(group)


def sync_role_groups(sender=None, **kwargs) -> None:
    organizer, _ = Group.objects.get_or_create(name=ORGANIZER_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=ORGANIZER_APPS)
    extra = [
        p
        for app, codename in ORGANIZER_EXTRA
        for p in Permission.objects.filter(
            content_type__app_label=app, codename=codename
        )
    ]
    organizer.permissions.set([*perms, *extra])
    Group.objects.get_or_create(name=VOLUNTEER_GROUP)
