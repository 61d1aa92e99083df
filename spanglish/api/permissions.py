"""Role-based permissions shared by every API view.

Anonymous requests get 401 (authentication is checked first); signed-in users
without the role get 403.

Roles are compared by their stored values (community.roles.Role): the core imports
no app.
"""

from rest_framework import exceptions, permissions

ORGANIZER_ROLES = ("admin", "organizer")
DOOR_STAFF_ROLES = ("admin", "organizer", "volunteer")


def has_role(user, *roles: str) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.role in roles
    )


def deny(request):
    """Refuse an object-level check: 401 when not signed in, 403 otherwise.

    For views that let anyone through `permission_classes` because the holder
    (e.g. a guest's browser session) is only known once the object is loaded."""
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated()
    raise exceptions.PermissionDenied()


class IsOrganizer(permissions.BasePermission):
    """Organizers and admins."""

    message = "Only organizers and admins may do this."

    def has_permission(self, request, view):
        return has_role(request.user, *ORGANIZER_ROLES)


class IsDoorStaff(permissions.BasePermission):
    """Volunteers, organizers and admins: the people who check tickets at the door."""

    message = "Only door staff (volunteers, organizers and admins) may do this."

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
