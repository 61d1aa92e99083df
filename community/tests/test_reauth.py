"""Issue 13, ASVS L2: changing the address or password, or deleting the account,
asks for the current password (or, without one, a fresh sign-in by emailed link).
The attacker here holds a signed-in browser but not the password."""

import pytest
from django.core import mail

from community.models import User
from community.tests.factories import UserFactory
from community.tests.helpers import last_link

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW = "a-brand-new-passphrase"


def test_stolen_session_cannot_change_the_address_without_the_password(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/account/email/",
            {"new_email": "thief@example.com", "current_password": "a-guess-here"},
        )
    assert response.status_code == 200
    assert "not your current password" in response.content.decode()
    assert mail.outbox == []


def test_stolen_session_cannot_change_the_password_without_the_old_one(client, member):
    client.force_login(member)
    response = client.post(
        "/en/account/password/",
        {"old_password": "a-guess-here", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_stolen_session_cannot_delete_the_account_without_the_password(client, member):
    client.force_login(member)
    response = client.post(
        "/en/account/delete/", {"confirm": "on", "current_password": "a-guess-here"}
    )
    assert response.status_code == 200
    assert User.objects.get(pk=member.pk).is_active


def test_passwordless_member_needs_a_fresh_signin_link(
    client, settings, django_capture_on_commit_callbacks
):
    booker = UserFactory(password=None)
    # An old session, not a fresh sign-in by link: refused.
    client.force_login(booker)
    refused = client.post("/en/account/email/", {"new_email": "thief@example.com"})
    assert refused.status_code == 403
    assert client.post("/en/account/delete/", {"confirm": "on"}).status_code == 403
    assert User.objects.get(pk=booker.pk).is_active
    refused = client.post(
        "/en/account/password/", {"new_password1": NEW, "new_password2": NEW}
    )
    assert refused.status_code == 403
    # A sign-in link just opened: allowed…
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/login/link/", {"email": booker.email})
    client.post(last_link(booker.email))
    assert 'name="new_email"' in client.get("/en/account/email/").content.decode()
    # …for FRESH_SIGN_IN_MINUTES only.
    settings.FRESH_SIGN_IN_MINUTES = 0
    assert 'name="new_email"' not in client.get("/en/account/email/").content.decode()
    assert client.post("/en/account/delete/", {"confirm": "on"}).status_code == 403
    assert User.objects.get(pk=booker.pk).is_active


def test_password_reset_tells_the_address(
    client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/password/reset/", {"email": member.email})
    form = client.get(last_link(member.email), follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
        )
    notice = mail.outbox[-1]
    assert notice.to == [member.email]
    assert notice.subject == "Your Spanglish password was changed"
    assert "/account/password/reset/" in notice.body  # the way back, no credential
