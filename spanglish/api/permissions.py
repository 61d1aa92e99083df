"""Role-based permissions shared by every API view.

Anonymous requests get 401 (authentication is checked first); signed-in users
without the role get 403. A role refusal comes before any lookup, so it says
nothing about whether an object exists; an object the caller may not see is a 404
(`not_yours`), the same answer as one that does not exist.

Roles are compared by their stored values (community.roles.Role): the core imports
no app.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

ORGANIZER_ROLES = ("admin", "organizer")
DOOR_STAFF_ROLES = ("admin", "organizer", "volunteer")


def has_role(user, *roles: str) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.role in roles
    )


def not_yours():
    """Refuse an object the caller may not see: 404, as if it did not exist (a 403
    or 401 would tell a stranger that it does).

    For views that let anyone through `permission_classes` because the holder
    (e.g. a guest's browser session) is only known once the object is loaded."""
    raise exceptions.NotFound()


class IsOrganizer(permissions.BasePermission):
    """Organizers and admins."""

    message = _("Only organizers and admins may do this.")

    def has_permission(self, request, view):
        return has_role(request.user, *ORGANIZER_ROLES)


class IsDoorStaff(permissions.BasePermission):
    """Volunteers, organizers and admins: the people who check tickets at the door."""

    message = _("Only door staff (volunteers, organizers and admins) may do this.")

    def has_permission(self, request, view):
        return has_role(request.user, *DOOR_STAFF_ROLES)


class ReadOnlyOrOrganizer(permissions.BasePermission):
    """Anyone may read; organizers and admins may write."""

    message = IsOrganizer.message

    def allows_anonymous(self, method: str) -> bool:
        return method in permissions.SAFE_METHODS

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return has_role(request.user, *ORGANIZER_ROLES)
