"""Reads about users that pages, API and admin share."""

import functools

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet

from community.models import User
from spanglish.rows import column_list, model_from_row


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


@functools.cache
def _user_by_pk_sql() -> str:
    quote = connection.ops.quote_name
    meta = User._meta
    return (
        # Names from the model, quoted; the id is a parameter.
        f"SELECT {column_list(meta.concrete_fields)} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s"
    )


def user_by_pk(pk) -> User | None:
    """The user with primary key `pk` (a UUID or its text), every column, or None.

    The API authenticates every request with it (community.api.authentication):
    one statement written once, since the ORM built and compiled the same SELECT
    again on every request, a tenth of a door scan's CPU."""
    field = User._meta.pk
    try:
        value = field.get_db_prep_value(field.to_python(pk), connection)
    except ValidationError:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_user_by_pk_sql(), [value])
        row = cursor.fetchone()
    return (
        None if row is None else model_from_row(User, User._meta.concrete_fields, row)
    )
