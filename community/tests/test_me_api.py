"""PUT/PATCH /api/auth/me and the account emails an app asks for: password reset,
a new confirmation link and a sign-in link, answered alike for every address."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from community.models import AuditLog
from community.tests.factories import UserFactory
from community.tests.helpers import last_link

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-much-longer-passphrase"


def signed_in(client, user):
    """An API client with tokens from a real sign-in (as an app has them)."""
    tokens = client.post(
        "/api/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return tokens


@pytest.mark.parametrize("method", ["put", "patch"])
def test_get_edit_and_send_back_keeps_the_edit(method, auth_client, member):
    client = auth_client(member)
    document = client.get("/api/auth/me").json()
    document["name"] = "Nuria Ortega"
    response = getattr(client, method)("/api/auth/me", document, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Nuria Ortega"
    member.refresh_from_db()
    assert member.name == "Nuria Ortega"
    # The address came back unchanged: no password asked, nothing sent.
    assert response.json()["pending_email"] is None
    assert not mail.outbox


def test_a_field_left_out_keeps_its_value(auth_client, member):
    member.phone = "+34 600 000 000"
    member.save()
    response = auth_client(member).patch("/api/auth/me", {"language": "es"})
    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.language, member.phone) == ("es", "+34 600 000 000")


def test_languages_and_news_consent_are_mine_to_set(auth_client, member):
    response = auth_client(member).patch(
        "/api/auth/me",
        {
            "marketing_consent": True,
            "languages": [
                {"language": "es", "kind": "native"},
                {"language": "EN ", "kind": "learning", "level": "B1"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["marketing_consent"] is True
    assert {(s["language"], s["kind"]) for s in body["languages"]} == {
        ("es", "native"),
        ("en", "learning"),
    }


def test_nobody_changes_their_own_role_here(auth_client, member):
    response = auth_client(member).patch("/api/auth/me", {"role": "admin"})
    # `role` is shown by a GET, so sending it back is accepted and ignored.
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.role == "member"


def test_unknown_fields_are_refused_by_name(auth_client, member):
    response = auth_client(member).patch("/api/auth/me", {"nickname": "Nuri"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "Unknown field: nickname."
    assert "nickname" in error["fields"]


def test_a_new_email_needs_the_current_password(auth_client, member):
    client = auth_client(member)
    missing = client.patch("/api/auth/me", {"email": "new@example.com"})
    assert missing.status_code == 403
    assert missing.json()["error"]["code"] == "reauthentication_required"
    wrong = client.patch(
        "/api/auth/me", {"email": "new@example.com", "current_password": "guess"}
    )
    assert wrong.status_code == 403
    assert wrong.json()["error"] == {
        "code": "password_incorrect",
        "message": "That is not your current password.",
        "fields": {},
    }
    assert not mail.outbox


def test_a_new_email_goes_through_the_confirmation_link(
    client, auth_client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(member).patch(
            "/api/auth/me",
            {"email": "nuria@example.org", "current_password": PASSWORD},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["pending_email"] == "nuria@example.org"
    # Nothing moves until the link is opened, signed in, as on the pages.
    assert body["email"] == member.email
    member.refresh_from_db()
    assert member.email != "nuria@example.org"
    link = last_link("nuria@example.org")
    client.force_login(member)
    assert client.post(link).status_code == 302
    member.refresh_from_db()
    assert member.email == "nuria@example.org"


def test_a_new_password_needs_the_current_one_and_the_rules(api_client, member):
    signed_in(api_client, member)
    missing = api_client.patch("/api/auth/me", {"password": NEW_PASSWORD})
    assert missing.status_code == 403
    weak = api_client.patch(
        "/api/auth/me", {"password": "12345678", "current_password": PASSWORD}
    )
    assert weak.status_code == 400
    assert "password" in weak.json()["error"]["fields"]
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_a_new_password_ends_other_tokens_and_hands_out_new_ones(member):
    app, other_device = APIClient(), APIClient()
    signed_in(app, member)
    old_tokens = signed_in(other_device, member)
    response = app.patch(
        "/api/auth/me", {"password": NEW_PASSWORD, "current_password": PASSWORD}
    )
    assert response.status_code == 200
    tokens = response.json()["tokens"]
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    # Every token from before is dead, on every device…
    assert other_device.get("/api/auth/me").status_code == 401
    refresh = APIClient().post(
        "/api/auth/refresh", {"refresh": old_tokens["refresh"]}, format="json"
    )
    assert refresh.status_code == 401
    # …and the app carries on with the new ones.
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert app.get("/api/auth/me").status_code == 200
    assert AuditLog.objects.filter(action="user.password_changed").exists()


def test_a_member_without_a_password_must_have_signed_in_by_link(auth_client):
    booker = UserFactory(password=None)
    booker.set_unusable_password()
    booker.save()
    response = auth_client(booker).patch(
        "/api/auth/me", {"email": "elsewhere@example.com"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "reauthentication_required"


def test_password_guesses_are_limited_like_the_page(auth_client, member, settings):
    settings.ACCOUNT_RATE_LIMIT_PER_HOUR = 2
    client = auth_client(member)
    for _ in range(2):
        guess = {"password": NEW_PASSWORD, "current_password": "guess"}
        assert client.patch("/api/auth/me", guess).status_code == 403
    right = {"password": NEW_PASSWORD, "current_password": PASSWORD}
    limited = client.patch("/api/auth/me", right)
    assert limited.status_code == 429
    assert limited["Retry-After"]
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_me_needs_a_signed_in_user(api_client):
    assert api_client.patch("/api/auth/me", {"name": "x"}).status_code == 401


# --- Account emails: the same 202 whether or not the address has an account ------


@pytest.mark.parametrize(
    "path",
    ["/api/auth/password/reset", "/api/auth/verify/resend", "/api/auth/login/link"],
)
def test_account_emails_answer_alike_for_unknown_addresses(
    path, api_client, django_capture_on_commit_callbacks
):
    unverified = UserFactory(email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        known = api_client.post(path, {"email": unverified.email})
        unknown = api_client.post(path, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [m.to for m in mail.outbox] == [[unverified.email]]


def test_password_reset_link_from_the_api_sets_a_password(
    client, api_client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/auth/password/reset", {"email": member.email.upper()})
    form = client.get(last_link(member.email), follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_sign_in_link_from_the_api_signs_in_on_the_website(
    client, api_client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/auth/login/link", {"email": member.email})
    assert client.post(last_link(member.email)).status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_verified_address_gets_no_confirmation_link(
    api_client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/auth/verify/resend", {"email": member.email})
    assert response.status_code == 202
    assert not mail.outbox


@pytest.mark.parametrize(
    "path,page,scope",
    [
        ("/api/auth/password/reset", "/en/account/password/reset/", "password_reset"),
        ("/api/auth/login/link", "/en/account/login/link/", "login_link"),
    ],
)
def test_account_emails_share_the_pages_hourly_limit(
    path, page, scope, api_client, client, settings
):
    settings.ACCOUNT_RATE_LIMIT_PER_HOUR = 2
    client.post(page, {"email": "a@example.com"})
    ok = api_client.post(path, {"email": "a@example.com"})
    assert ok.status_code == 202
    assert f'"{scope}";q=2;w=3600' in ok["RateLimit-Policy"]
    assert f'"{scope}";r=0;' in ok["RateLimit"]
    limited = api_client.post(path, {"email": "a@example.com"})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "throttled"
    assert int(limited["Retry-After"]) > 0


def test_account_emails_refuse_what_is_not_an_address(api_client):
    response = api_client.post(
        "/api/auth/login/link", {"email": "not an address", "next": "/"}
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"next"}
