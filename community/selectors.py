"""Reads about users that pages, API and admin share."""

from django.db.models import Q, QuerySet

from community.models import User


def user_is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_organizer)


def user_visible_to(*, viewer) -> QuerySet:
    """Staff see everyone; anyone else only themselves (others are a 404)."""
    if user_is_staff(viewer):
        return User.objects.all()
    return User.objects.filter(pk=viewer.pk)


def user_search(*, query: str = "") -> QuerySet:
    users = User.objects.filter(anonymised_at__isnull=True).order_by("email")
    query = query.strip()
    if query:
        users = users.filter(
            Q(email__icontains=query)
            | Q(name__icontains=query)
            | Q(phone__icontains=query)
        )
    return users
