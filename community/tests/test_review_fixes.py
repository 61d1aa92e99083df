"""Issue 13 review, tried from the attacker's side: an email-change link acted on
by a mail scanner or by the wrong person, admin's password form opening for an
address nobody proved, and admin edits of a password or address that left the
member's sessions and tokens alive and the member uninformed."""

import pytest
from django.core import mail
from django.urls import reverse

from community.api.serializers import LoginSerializer
from community.models import AuditLog, User
from community.tests.factories import UserFactory
from community.tests.helpers import last_link

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # noqa: S105 (the factories' password)
VICTIM = "victim@example.com"


def refresh(api_client, token):
    return api_client.post("/api/auth/refresh", {"refresh": token}, format="json")


def me(api_client, access):
    return api_client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {access}")


def tokens_of(user):
    token = LoginSerializer.get_token(user)
    return str(token), str(token.access_token)


# --- The email-change link needs the inbox AND the account's session ---------------


@pytest.fixture
def attackers_link(client, django_capture_on_commit_callbacks):
    """The attacker asks to move their own account onto the victim's address: the
    confirmation link goes to the victim's inbox."""
    attacker = UserFactory(email="attacker@evil.test")
    client.force_login(attacker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/account/email/",
            {"new_email": VICTIM, "current_password": PASSWORD},
        )
    return attacker, last_link(VICTIM)


def test_mail_scanner_opening_the_email_change_link_changes_nothing(
    client, attackers_link
):
    attacker, link = attackers_link
    scanner = client.__class__()
    response = scanner.get(link)
    attacker.refresh_from_db()
    assert attacker.email == "attacker@evil.test"
    assert not User.objects.filter(email=VICTIM).exists()
    # Not signed in: sent to sign in, and back to the link afterwards.
    assert response.status_code == 302
    assert response.url.startswith(reverse("community:login"))
    assert "next=" in response.url


def test_email_change_link_opened_in_the_requesting_session_only_asks(
    client, attackers_link
):
    attacker, link = attackers_link
    response = client.get(link)  # the attacker's own session, GET only
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    attacker.refresh_from_db()
    assert attacker.email == "attacker@evil.test"


def test_anonymous_post_of_the_email_change_link_changes_nothing(
    client, attackers_link
):
    attacker, link = attackers_link
    victim_browser = client.__class__()
    response = victim_browser.post(link)
    attacker.refresh_from_db()
    assert attacker.email == "attacker@evil.test"
    assert response.status_code == 302
    assert response.url.startswith(reverse("community:login"))


def test_post_from_another_accounts_session_is_refused_and_changes_nothing(
    client, attackers_link
):
    attacker, link = attackers_link
    victim = UserFactory(email="victim-other-account@example.com")
    victim_browser = client.__class__()
    victim_browser.force_login(victim)
    response = victim_browser.post(link)
    assert response.status_code == 403
    assert "This link is for another account" in response.content.decode()
    attacker.refresh_from_db()
    victim.refresh_from_db()
    assert attacker.email == "attacker@evil.test"
    assert victim.email == "victim-other-account@example.com"


def test_post_from_the_requesting_accounts_session_moves_the_account(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/account/email/",
            {"new_email": "moved@example.com", "current_password": PASSWORD},
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(last_link("moved@example.com"))
    assert response.status_code == 302
    assert response.url == reverse("community:profile")
    member.refresh_from_db()
    assert member.email == "moved@example.com"
    assert member.email_verified_at is not None
    assert client.get("/en/account/profile/").status_code == 200  # stays signed in


# --- Admin's login form refuses an address nobody proved ----------------------------


def admin_login(client, email):
    return client.post(
        "/admin/login/?next=/admin/", {"username": email, "password": PASSWORD}
    )


def test_admin_login_refuses_a_promoted_account_whose_address_is_unproven(
    client, django_capture_on_commit_callbacks
):
    # Pre-registered by whoever typed the address, then made an organizer.
    promoted = UserFactory(
        email="orga@example.com", role="organizer", email_verified_at=None
    )
    assert promoted.is_staff
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_login(client, promoted.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Please confirm your email address first" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    # The new link goes to the address (its owner), not to whoever typed it.
    assert [m.to for m in mail.outbox] == [[promoted.email]]


def test_admin_login_still_opens_for_staff_with_a_proven_address(client):
    organizer = UserFactory(role="organizer")
    response = admin_login(client, organizer.email)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


# --- Admin's password and email edits end the member's sessions and tell them -------


def test_admin_setting_a_password_ends_the_members_sessions_and_tokens(
    client, api_client, admin_user, member, django_capture_on_commit_callbacks
):
    stolen_refresh, stolen_access = tokens_of(member)
    thief = client.__class__()
    thief.force_login(member)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/community/user/{member.pk}/password/",
            {
                "password1": "a-brand-new-long-pass",
                "password2": "a-brand-new-long-pass",
                "usable_password": "true",
            },
        )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-brand-new-long-pass")
    assert refresh(api_client, stolen_refresh).status_code == 401
    assert me(api_client, stolen_access).status_code == 401
    assert thief.get("/en/account/profile/").status_code == 302
    assert client.get("/admin/").status_code == 200  # the admin stays signed in
    notice = mail.outbox[-1]
    assert notice.to == [member.email]
    assert "password" in notice.subject.lower()
    entry = AuditLog.objects.get(action="user.password_changed")
    assert entry.actor == admin_user and entry.changes["by"] == "staff"


def test_admin_disabling_a_password_also_ends_the_members_tokens(
    client, api_client, admin_user, member
):
    stolen_refresh, _access = tokens_of(member)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/community/user/{member.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.has_usable_password()
    assert refresh(api_client, stolen_refresh).status_code == 401


def test_admin_changing_own_password_in_admin_keeps_their_session(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/community/user/{admin_user.pk}/password/",
        {
            "password1": "a-brand-new-long-pass",
            "password2": "a-brand-new-long-pass",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def change_form_data(client, user, **changes):
    page = client.get(f"/admin/community/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and not form.fields[name].disabled
    }
    data.update(
        {
            "is_active": "on",
            "phone": "",
            "language_skills-TOTAL_FORMS": "0",
            "language_skills-INITIAL_FORMS": "0",
            **changes,
        }
    )
    return data


def test_admin_email_change_ends_sessions_tells_old_address_leaves_new_unproven(
    client, api_client, admin_user, member, django_capture_on_commit_callbacks
):
    old = member.email
    stolen_refresh, stolen_access = tokens_of(member)
    member_browser = client.__class__()
    member_browser.force_login(member)
    client.force_login(admin_user)
    data = change_form_data(client, member, email="typed-by-staff@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/community/user/{member.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.email == "typed-by-staff@example.com"
    # Nobody proved the new address: its password waits for its owner to.
    assert member.email_verified_at is None
    assert refresh(api_client, stolen_refresh).status_code == 401
    assert me(api_client, stolen_access).status_code == 401
    assert member_browser.get("/en/account/profile/").status_code == 302
    notice = mail.outbox[-1]
    assert notice.to == [old]
    assert "new email address" in notice.subject
    entry = AuditLog.objects.get(action="user.email_changed")
    assert entry.actor == admin_user
    assert entry.changes == {
        "email": [old, "typed-by-staff@example.com"],
        "by": "staff",
    }


def test_admin_saving_a_user_without_changing_the_email_keeps_sessions(
    client, api_client, admin_user, member
):
    stolen_refresh, _access = tokens_of(member)
    client.force_login(admin_user)
    data = change_form_data(client, member, name="Renamed")
    response = client.post(f"/admin/community/user/{member.pk}/change/", data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "Renamed" and member.email_verified_at is not None
    assert refresh(api_client, stolen_refresh).status_code == 200
