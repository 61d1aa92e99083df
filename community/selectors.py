"""Reads about users that pages, API and admin share."""

from django.db.models import Q, QuerySet

from community.models import User
from spanglish.rows import instance_by_pk


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


def user_by_pk(pk) -> User | None:
    """The user with primary key `pk` (a UUID or its text), every column, or None.

    The API authenticates every request with it (community.api.authentication):
    one statement written once, since the ORM built and compiled the same SELECT
    again on every request, a tenth of a door scan's CPU."""
    return instance_by_pk(User, pk)
