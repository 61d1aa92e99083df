"""Role-based permissions shared by every API view.

Anonymous requests get 401 (authentication is checked first); signed-in users
without the role get 403.
"""

from rest_framework import permissions

from community.models import Role


def has_role(user, *roles: str) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.role in roles
    )


class IsOrganizer(permissions.BasePermission):
    """Organizers and admins."""

    message = "Only organizers and admins may do this."

    def has_permission(self, request, view):
        return has_role(request.user, Role.ADMIN, Role.ORGANIZER)


class IsDoorStaff(permissions.BasePermission):
    """Volunteers, organizers and admins: the people who check tickets at the door."""

    message = "Only door staff (volunteers, organizers and admins) may do this."

    def has_permission(self, request, view):
        return has_role(request.user, Role.ADMIN, Role.ORGANIZER, Role.VOLUNTEER)


class IsAdminRole(permissions.BasePermission):
    message = "Only admins may do this."

    def has_permission(self, request, view):
        return has_role(request.user, Role.ADMIN)


class ReadOnlyOrOrganizer(permissions.BasePermission):
    """Anyone may read; organizers and admins may write."""

    message = IsOrganizer.message

    def allows_anonymous(self, method: str) -> bool:
        return method in permissions.SAFE_METHODS

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return has_role(request.user, Role.ADMIN, Role.ORGANIZER)
