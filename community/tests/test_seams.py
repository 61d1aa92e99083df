"""Community below the domain: what it shows of other apps comes through its
registries, and the core's permissions name the roles community defines."""

import pytest
from django.db import transaction

from community import contributors
from community.models import Role, User
from community.privacy import user_erase
from spanglish.api.permissions import DOOR_STAFF_ROLES, ORGANIZER_ROLES


def test_api_permissions_name_only_real_roles():
    # The core compares role strings without importing community: a renamed role
    # would silently lock staff out of the API.
    assert set(ORGANIZER_ROLES) == {Role.ADMIN, Role.ORGANIZER}
    assert set(DOOR_STAFF_ROLES) == {Role.ADMIN, Role.ORGANIZER, Role.VOLUNTEER}


@pytest.mark.django_db
def test_erasure_is_undone_whole_when_an_app_cannot_erase_its_share(member, admin_user):
    def refuse(user, *, actor):
        raise RuntimeError("storage unavailable")

    contributors.register_member_data("broken_app", erase=refuse)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            user_erase(user=member, actor=admin_user)
    finally:
        contributors._contributors.pop("broken_app")
    member.refresh_from_db()
    assert member.anonymised_at is None and member.email.endswith("@example.com")


@pytest.mark.django_db
def test_saving_a_user_does_not_grant_admin_rights_behind_the_role_service(member):
    # Only the role service (and account creation) turns a role into Django flags:
    # a row saved with a role by any other path gets no superuser or staff access.
    User.objects.filter(pk=member.pk).update(role=Role.ADMIN)
    member.refresh_from_db()
    member.save()
    member.refresh_from_db()
    assert not member.is_superuser and not member.is_staff


@pytest.mark.django_db
def test_createsuperuser_still_makes_a_superuser():
    admin = User.objects.create_superuser(email="root@example.com", password="x" * 12)
    assert admin.is_superuser and admin.is_staff and admin.role == Role.ADMIN
