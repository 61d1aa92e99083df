"""What staff may not do to accounts, seen from the side of whoever tries it.

Consent to news is the member's own to give; nobody demotes or deactivates
themselves; the last active admin is never demoted, deactivated or erased; a
member's data export names no staff member; createsuperuser works unattended.
"""

import json

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from community import privacy, services
from community.models import AuditLog, Role, User
from community.tests.factories import UserFactory
from spanglish.errors import ConflictError

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # community.tests.factories.UserFactory
STAFF_EMAIL = "carla.staffer@team-secret.example"
STAFF_IP = "203.0.113.77"


@pytest.fixture(autouse=True)
def _password_only_admin(settings):
    # Two-factor sign-in has its own tests; these admins sign in with a password.
    settings.TWO_FACTOR_REQUIRED_ROLES = []


def admin_change_form(client, user, **overrides):
    """POST the user's Django Admin change form as it stands, with `overrides`."""
    data = {
        "email": user.email,
        "name": user.name,
        "phone": user.phone,
        "language": user.language,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "language_skills-TOTAL_FORMS": "0",
        "language_skills-INITIAL_FORMS": "0",
        "language_skills-MIN_NUM_FORMS": "0",
        "language_skills-MAX_NUM_FORMS": "1000",
        **overrides,
    }
    data = {key: value for key, value in data.items() if value != ""}
    return client.post(
        reverse("admin:community_user_change", args=[user.pk]), data, follow=True
    )


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Consent to news is the member's to give ------------------------------------


@pytest.mark.parametrize("staff_role", ["organizer", "admin_user"])
def test_staff_cannot_give_news_consent_for_a_member(request, auth_client, staff_role):
    staff = request.getfixturevalue(staff_role)
    member = UserFactory(marketing_consent=False, name="Before")

    response = auth_client(staff).put(
        f"/api/users/{member.pk}",
        {"name": "After", "marketing_consent": True},
        format="json",
    )

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    assert "Only the member can give consent" in error["message"]
    member.refresh_from_db()
    assert member.marketing_consent is False and member.marketing_consent_at is None
    assert member.name == "Before"  # the whole request is refused
    assert not AuditLog.objects.filter(action="user.consent_given").exists()


def test_staff_withdrawal_of_consent_is_recorded_as_the_staff_members(
    auth_client, organizer
):
    member = UserFactory(marketing_consent=True)

    response = auth_client(organizer).put(
        f"/api/users/{member.pk}", {"marketing_consent": False}, format="json"
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.marketing_consent is False
    entry = AuditLog.objects.get(action="user.consent_withdrawn")
    assert entry.actor == organizer and entry.actor_label == organizer.email
    assert entry.changes == {"marketing_consent": [True, False], "source": "staff"}


def test_member_gives_their_own_consent_and_it_is_recorded_as_theirs(
    auth_client, member
):
    response = auth_client(member).put(
        f"/api/users/{member.pk}", {"marketing_consent": True}, format="json"
    )

    assert response.status_code == 200 and response.json()["marketing_consent"]
    entry = AuditLog.objects.get(action="user.consent_given")
    assert entry.actor == member and entry.changes["source"] == "profile"


def test_admin_cannot_tick_news_consent_in_django_admin(client, admin_user):
    member = UserFactory(marketing_consent=False)
    client.force_login(admin_user)

    response = admin_change_form(client, member, marketing_consent="on")

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.marketing_consent is False
    assert not AuditLog.objects.filter(action="user.consent_given").exists()


# --- Nobody demotes or deactivates themselves; an admin always remains -----------


def test_admin_cannot_demote_themselves_through_the_api(auth_client, admin_user):
    UserFactory(role=Role.ADMIN)  # not the last admin: the rule is about oneself

    response = auth_client(admin_user).put(
        f"/api/users/{admin_user.pk}", {"role": "member"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "own_account"
    assert "own role" in response.json()["error"]["message"]
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN and admin_user.is_superuser
    assert not AuditLog.objects.filter(action="user.role_changed").exists()


def test_admin_demoting_themselves_changes_nothing_else_in_the_request(
    auth_client, admin_user
):
    UserFactory(role=Role.ADMIN)
    name = admin_user.name

    response = auth_client(admin_user).put(
        f"/api/users/{admin_user.pk}",
        {"name": "Renamed", "role": "organizer"},
        format="json",
    )

    assert response.status_code == 409
    admin_user.refresh_from_db()
    assert admin_user.name == name and admin_user.role == Role.ADMIN


def test_admin_still_demotes_another_admin_through_the_api(auth_client, admin_user):
    other = UserFactory(role=Role.ADMIN)

    response = auth_client(admin_user).put(
        f"/api/users/{other.pk}", {"role": "organizer"}, format="json"
    )

    assert response.status_code == 200
    other.refresh_from_db()
    assert other.role == Role.ORGANIZER and not other.is_superuser


def test_last_active_admin_cannot_be_demoted_even_without_an_actor(admin_user):
    UserFactory(role=Role.ADMIN, is_active=False)  # inactive admins do not count

    with pytest.raises(ConflictError) as refused:
        services.user_set_role(user=admin_user, role=Role.MEMBER)

    assert refused.value.code == "last_admin"
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN


def test_last_active_admin_cannot_be_deactivated(admin_user):
    with pytest.raises(ConflictError) as refused:
        services.user_set_active(user=admin_user, active=False)

    assert refused.value.code == "last_admin"
    assert User.objects.get(pk=admin_user.pk).is_active


def test_last_active_admin_cannot_be_erased(admin_user):
    with pytest.raises(ConflictError) as refused:
        privacy.user_erase(user=admin_user)

    assert refused.value.code == "last_admin"
    admin_user.refresh_from_db()
    assert admin_user.anonymised_at is None and admin_user.is_active


def test_admin_cannot_demote_themselves_in_django_admin(client, admin_user):
    UserFactory(role=Role.ADMIN)
    client.force_login(admin_user)

    response = admin_change_form(client, admin_user, role="member")

    assert "You cannot change your own role. Ask another admin." in message_texts(
        response
    )
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN and admin_user.is_superuser


def test_admin_cannot_deactivate_themselves_in_django_admin(client, admin_user):
    UserFactory(role=Role.ADMIN)
    client.force_login(admin_user)

    response = admin_change_form(client, admin_user, is_active="", name="Renamed")

    assert (
        "You cannot deactivate your own account. Ask another admin."
        in message_texts(response)
    )
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.name != "Renamed"


def test_admin_deactivates_another_admin_in_django_admin_and_it_is_audited(
    client, admin_user
):
    other = UserFactory(role=Role.ADMIN)
    client.force_login(admin_user)

    response = admin_change_form(client, other, is_active="")

    assert response.status_code == 200
    other.refresh_from_db()
    assert not other.is_active
    entry = AuditLog.objects.get(action="user.deactivated")
    assert entry.actor == admin_user and entry.changes == {"is_active": [True, False]}


def test_admin_demotes_another_admin_in_django_admin(client, admin_user):
    other = UserFactory(role=Role.ADMIN)
    client.force_login(admin_user)

    admin_change_form(client, other, role="organizer")

    other.refresh_from_db()
    assert other.role == Role.ORGANIZER and other.is_staff and not other.is_superuser
    entry = AuditLog.objects.get(action="user.role_changed")
    assert entry.actor == admin_user and entry.changes == {
        "role": ["admin", "organizer"]
    }


def test_last_admin_cannot_delete_themselves_in_django_admin(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:community_user_delete", args=[admin_user.pk])

    page = client.get(url)
    response = client.post(url, {"post": "yes"})

    assert "make someone else an admin first" in page.text
    assert response.status_code == 200  # the "cannot delete" page, not a redirect
    admin_user.refresh_from_db()
    assert admin_user.anonymised_at is None and admin_user.is_active


def test_last_admin_cannot_be_erased_with_the_bulk_delete_action(client, admin_user):
    member = UserFactory()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:community_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(admin_user.pk), str(member.pk)],
            "post": "yes",
        },
    )

    assert "make someone else an admin first" in response.text
    admin_user.refresh_from_db()
    member.refresh_from_db()
    assert admin_user.anonymised_at is None and admin_user.is_active
    assert member.anonymised_at is None  # nothing of the batch was erased


def test_last_admin_cannot_delete_their_account_on_the_site(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        "/en/account/delete/", {"confirm": "on", "current_password": PASSWORD}
    )

    assert response.status_code == 200
    assert "make someone else an admin first" in response.text
    admin_user.refresh_from_db()
    assert admin_user.anonymised_at is None and admin_user.is_active


def test_an_admin_who_is_not_the_last_may_delete_their_account(client, admin_user):
    UserFactory(role=Role.ADMIN)
    client.force_login(admin_user)

    response = client.post(
        "/en/account/delete/", {"confirm": "on", "current_password": PASSWORD}
    )

    assert response.status_code == 200
    admin_user.refresh_from_db()
    assert admin_user.anonymised_at is not None and admin_user.role == Role.MEMBER


# --- A member's data export names no staff member --------------------------------


def test_member_data_export_holds_no_staff_email_name_or_ip(
    client, auth_client, admin_user
):
    staff = UserFactory(role=Role.ORGANIZER, email=STAFF_EMAIL, name="Carla Staffer")
    member = UserFactory(marketing_consent=True, phone="+34 600 000 000")
    as_staff = auth_client(staff)
    as_staff.put(
        f"/api/users/{member.pk}",
        {"phone": "+34 611 111 111", "marketing_consent": False},
        format="json",
        REMOTE_ADDR=STAFF_IP,
    )
    auth_client(admin_user).put(
        f"/api/users/{member.pk}",
        {"role": "volunteer"},
        format="json",
        REMOTE_ADDR=STAFF_IP,
    )
    member.refresh_from_db()  # the role change signed them out everywhere
    client.force_login(member)
    client.post(
        "/en/account/profile/",
        {"name": "Ana", "phone": "1", "language": "en"},
        REMOTE_ADDR="198.51.100.5",
    )

    response = client.get("/en/account/privacy/my-data.json")

    assert response.status_code == 200
    text = response.content.decode()
    for secret in (STAFF_EMAIL, "Carla", "team-secret", STAFF_IP, admin_user.email):
        assert secret not in text
    data = json.loads(text)
    by_staff = [e for e in data["audit_entries"] if e["actor"] == "Spanglish team"]
    assert {e["action"] for e in by_staff} >= {
        "user.profile_changed",
        "user.consent_withdrawn",
        "user.role_changed",
    }
    assert all(e["ip_address"] is None for e in by_staff)
    own = [e for e in data["audit_entries"] if e["actor"] == member.email]
    assert "198.51.100.5" in {e["ip_address"] for e in own}  # their own IP stays
    assert data["consents"]["history"][-1]["by"] == "Spanglish team"


def test_staff_data_export_names_none_of_the_members_they_edited(auth_client, client):
    staff = UserFactory(role=Role.ORGANIZER)
    member = UserFactory(name="Guest Person", phone="+34 622 222 222")
    auth_client(staff).put(
        f"/api/users/{member.pk}", {"name": "Guest Renamed"}, format="json"
    )
    client.force_login(staff)

    text = client.get("/en/account/privacy/my-data.json").content.decode()

    for secret in ("Guest Person", "Guest Renamed", member.email):
        assert secret not in text
    assert "user.profile_changed" in text


# --- createsuperuser works unattended ---------------------------------------------


def test_createsuperuser_noinput_without_a_name_uses_the_email_local_part(
    monkeypatch,
):
    monkeypatch.delenv("DJANGO_SUPERUSER_NAME", raising=False)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-unusual-passphrase")

    call_command(
        "createsuperuser", "--noinput", "--email", "boss@example.com", verbosity=0
    )

    boss = User.objects.get(email="boss@example.com")
    assert boss.name == "boss"
    assert boss.role == Role.ADMIN and boss.is_superuser and boss.is_staff
    assert boss.email_verified_at is not None
    assert boss.check_password("a-long-unusual-passphrase")
