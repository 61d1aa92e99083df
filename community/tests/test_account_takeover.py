"""Issue 13, "accounts can be pre-hijacked" and "tokens outlive a password change",
tried from the attacker's side: someone registers (or signs in to) an account for
an address that is not theirs, or holds a session or token the owner wants dead."""

import jwt
import pytest
from django.contrib import admin
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from community.api.serializers import LoginSerializer
from community.models import Role, User
from community.tests.factories import UserFactory
from community.tests.helpers import last_link
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.com"
ATTACKERS_PASSWORD = "attacker-chose-this-one"
OWNERS_PASSWORD = "the-owners-own-passphrase"


def site_login(client, email, password):
    return client.post("/en/account/login/", {"username": email, "password": password})


def api_login(api_client, email, password):
    return api_client.post(
        "/api/auth/login", {"email": email, "password": password}, format="json"
    )


def refresh(api_client, token):
    return api_client.post("/api/auth/refresh", {"refresh": token}, format="json")


def me(api_client, access):
    return api_client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {access}")


def signed_in(client) -> bool:
    return client.get("/en/account/profile/").status_code == 200


@pytest.fixture
def preregistered(client, django_capture_on_commit_callbacks):
    """The attacker registers the victim's address with a password of their own."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/account/signup/",
            {"name": "Not Victim", "email": VICTIM, "password": ATTACKERS_PASSWORD},
        )
    mail.outbox.clear()
    return User.objects.get(email=VICTIM)


def attacker_holds(user, client_class):
    """What an attacker may hold from before the owner proved the address: a site
    session and a pair of API tokens (e.g. from before this fix was deployed)."""
    browser = client_class()
    browser.force_login(user)
    token = LoginSerializer.get_token(user)
    return browser, str(token), str(token.access_token)


# --- Password sign-in waits for a proven address ------------------------------------


def test_site_password_signin_refused_until_address_proven(
    client, preregistered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = site_login(client, VICTIM, ATTACKERS_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "confirm your email address first" in response.content.decode()
    # …and a new link went to the address (its owner), not to the attacker.
    assert [m.to for m in mail.outbox] == [[VICTIM]]
    assert "/account/verify/" in mail.outbox[0].body


def test_api_password_signin_refused_until_address_proven(
    api_client, preregistered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_login(api_client, VICTIM, ATTACKERS_PASSWORD)
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"error"}  # no tokens
    assert body["error"]["code"] == "email_unverified"
    assert "we sent you a new link" in body["error"]["message"]
    assert [m.to for m in mail.outbox] == [[VICTIM]]


def test_wrong_password_on_unproven_account_gets_the_usual_answer(
    client, api_client, preregistered, django_capture_on_commit_callbacks
):
    # Someone probing for accounts learns nothing new and triggers no email.
    with django_capture_on_commit_callbacks(execute=True):
        site = site_login(client, VICTIM, "a-wrong-password-guess")
        api = api_login(api_client, VICTIM, "a-wrong-password-guess")
    assert "do not match an account" in site.content.decode()
    assert "confirm your email" not in site.content.decode()
    assert api.status_code == 401
    assert api.json()["error"]["code"] != "email_unverified"
    assert mail.outbox == []


def test_refused_signins_send_at_most_one_link_every_few_minutes(
    api_client, preregistered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            response = api_client.post(
                "/api/auth/login",
                {"email": VICTIM, "password": ATTACKERS_PASSWORD},
                format="json",
                REMOTE_ADDR=f"10.0.0.{n + 1}",
            )
            assert response.status_code == 403
    assert len(mail.outbox) == 1


def test_guest_booking_with_the_address_stays_out_of_the_attackers_reach(
    client, api_client, preregistered, django_capture_on_commit_callbacks
):
    event = EventFactory()
    visitor = type(client)()
    with django_capture_on_commit_callbacks(execute=True):
        booked = visitor.post(
            reverse("tickets:book", kwargs={"event_id": event.pk}),
            {"name": "Victim", "email": VICTIM},
        )
    assert booked.status_code in (200, 302)
    # The password the attacker set opens nothing, on the site or the API.
    site_login(client, VICTIM, ATTACKERS_PASSWORD)
    assert client.get("/en/account/tickets/").status_code == 302
    assert "access" not in api_login(api_client, VICTIM, ATTACKERS_PASSWORD).json()


# --- The owner proving the address drops what was set before ------------------------


def test_owner_signin_link_drops_the_password_sessions_and_tokens_set_before(
    client, api_client, preregistered, django_capture_on_commit_callbacks
):
    browser, refresh_token, access = attacker_holds(preregistered, type(client))
    owner = type(client)()
    with django_capture_on_commit_callbacks(execute=True):
        owner.post("/en/account/login/link/", {"email": VICTIM})
    owner.post(last_link(VICTIM))
    assert owner.session["_auth_user_id"] == str(preregistered.pk)

    preregistered.refresh_from_db()
    assert preregistered.email_verified_at is not None
    assert not preregistered.check_password(ATTACKERS_PASSWORD)
    assert not signed_in(browser)
    assert refresh(api_client, refresh_token).status_code == 401
    assert me(api_client, access).status_code == 401
    assert "access" not in api_login(api_client, VICTIM, ATTACKERS_PASSWORD).json()


def test_owner_password_reset_drops_the_sessions_and_tokens_set_before(
    client, api_client, preregistered, django_capture_on_commit_callbacks
):
    browser, refresh_token, access = attacker_holds(preregistered, type(client))
    owner = type(client)()
    with django_capture_on_commit_callbacks(execute=True):
        owner.post("/en/account/password/reset/", {"email": VICTIM})
    form = owner.get(last_link(VICTIM), follow=True)
    done = owner.post(
        form.redirect_chain[-1][0],
        {"new_password1": OWNERS_PASSWORD, "new_password2": OWNERS_PASSWORD},
    )
    assert done.status_code == 302

    preregistered.refresh_from_db()
    assert preregistered.email_verified_at is not None  # the link proved it
    assert not signed_in(browser)
    assert refresh(api_client, refresh_token).status_code == 401
    assert me(api_client, access).status_code == 401
    assert api_login(api_client, VICTIM, ATTACKERS_PASSWORD).status_code == 401
    assert api_login(api_client, VICTIM, OWNERS_PASSWORD).status_code == 200


def test_verification_link_keeps_the_password_only_when_typed_on_its_page(
    client, preregistered, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        site_login(client, VICTIM, ATTACKERS_PASSWORD)  # sends a fresh link
    link = last_link(VICTIM)
    owner = type(client)()
    page = owner.get(link)
    assert page.status_code == 200
    assert 'type="password"' in page.content.decode()

    wrong = owner.post(link, {"password": "not-the-password-at-all"})
    assert wrong.status_code == 400
    preregistered.refresh_from_db()
    assert preregistered.email_verified_at is None
    assert "_auth_user_id" not in owner.session

    # Guessing on that page is limited like the other account forms.
    settings.ACCOUNT_RATE_LIMIT_PER_HOUR = 1
    assert owner.post(link, {"password": "another-guess-here"}).status_code == 429


def test_owner_who_does_not_know_the_password_drops_it_from_the_verification_page(
    client, api_client, preregistered, django_capture_on_commit_callbacks
):
    browser, refresh_token, access = attacker_holds(preregistered, type(client))
    with django_capture_on_commit_callbacks(execute=True):
        api_login(api_client, VICTIM, ATTACKERS_PASSWORD)  # sends a fresh link
    link = last_link(VICTIM)
    owner = type(client)()
    response = owner.post(link, {"claim": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("community:password_change")

    preregistered.refresh_from_db()
    assert preregistered.email_verified_at is not None
    assert not preregistered.has_usable_password()
    assert not signed_in(browser)
    assert refresh(api_client, refresh_token).status_code == 401
    assert me(api_client, access).status_code == 401
    # The owner is in, and may choose a password of their own right away.
    chosen = owner.post(
        "/en/account/password/",
        {"new_password1": OWNERS_PASSWORD, "new_password2": OWNERS_PASSWORD},
    )
    assert chosen.status_code == 302
    assert api_login(api_client, VICTIM, OWNERS_PASSWORD).status_code == 200
    # The link signs nobody in a second time.
    again = type(client)()
    again.post(link, {"claim": "1"})
    assert "_auth_user_id" not in again.session


# --- Accounts proven by construction work at once -----------------------------------


def test_createsuperuser_admin_staff_added_in_admin_and_demo_accounts_are_proven(
    client, admin_user, monkeypatch
):
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "boss@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-unusual-passphrase")
    monkeypatch.setenv("DJANGO_SUPERUSER_NAME", "Boss")
    call_command("createsuperuser", "--noinput", verbosity=0)
    assert User.objects.get(email="boss@example.com").email_verified_at is not None

    # Admin's add form, through the admin class (its pages need two factors).
    model_admin = admin.site._registry[User]
    request = RequestFactory().post("/admin/community/user/add/")
    request.user = admin_user
    form = model_admin.get_form(request, None, change=False)(
        {
            "email": "new-volunteer@example.com",
            "name": "Vol",
            "role": Role.VOLUNTEER,
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "usable_password": "true",
        }
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=False)
    added = User.objects.get(email="new-volunteer@example.com")
    assert added.email_verified_at is not None

    call_command("seed_demo", verbosity=0)
    assert not User.objects.filter(
        email_verified_at__isnull=True, is_active=True
    ).exists()


# --- Tokens and sessions die with a password, email or role change ------------------


def _signed_in_everywhere(client_class, api_client, user, password):
    browser = client_class()
    assert (
        browser.post(
            "/en/account/login/", {"username": user.email, "password": password}
        ).status_code
        == 302
    )
    tokens = api_login(api_client, user.email, password).json()
    return browser, tokens["refresh"], tokens["access"]


def _all_dead(api_client, browser, refresh_token, access) -> bool:
    return (
        not signed_in(browser)
        and refresh(api_client, refresh_token).status_code == 401
        and me(api_client, access).status_code == 401
    )


def test_password_change_ends_every_other_session_and_token(
    client, api_client, django_capture_on_commit_callbacks
):
    member = UserFactory()
    stolen = _signed_in_everywhere(
        type(client), api_client, member, "correct-horse-battery"
    )
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/account/password/",
            {
                "old_password": "correct-horse-battery",
                "new_password1": OWNERS_PASSWORD,
                "new_password2": OWNERS_PASSWORD,
            },
        )
    assert response.status_code == 302
    assert _all_dead(api_client, *stolen)
    assert signed_in(client)  # the session that changed it stays
    assert mail.outbox[-1].to == [member.email]
    assert "password" in mail.outbox[-1].subject.lower()


def test_email_change_ends_every_session_and_token_and_tells_the_old_address(
    client, api_client, django_capture_on_commit_callbacks
):
    member = UserFactory()
    old = member.email
    stolen = _signed_in_everywhere(
        type(client), api_client, member, "correct-horse-battery"
    )
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/account/email/",
            {
                "new_email": "moved@example.com",
                "current_password": "correct-horse-battery",
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(last_link("moved@example.com"))
    member.refresh_from_db()
    assert member.email == "moved@example.com"
    assert _all_dead(api_client, *stolen)
    notice = mail.outbox[-1]
    assert notice.to == [old]
    assert "new email address" in notice.subject
    assert "/account/" not in notice.body  # a notice, not a credential


def test_role_change_ends_every_session_and_token(client, api_client, auth_client):
    organizer = UserFactory(role=Role.ORGANIZER)
    stolen = _signed_in_everywhere(
        type(client), api_client, organizer, "correct-horse-battery"
    )
    admin = UserFactory(role=Role.ADMIN)
    response = auth_client(admin).put(
        f"/api/users/{organizer.pk}", {"role": "member"}, format="json"
    )
    assert response.status_code == 200
    assert _all_dead(api_client, *stolen)


def test_refresh_rotation_keeps_the_original_signin_time_and_an_absolute_limit(
    api_client, settings
):
    member = UserFactory()
    first = api_login(api_client, member.email, "correct-horse-battery").json()
    signed_in_at = jwt.decode(first["refresh"], options={"verify_signature": False})[
        "auth_time"
    ]
    rotated = refresh(api_client, first["refresh"]).json()["refresh"]
    claims = jwt.decode(rotated, options={"verify_signature": False})
    assert claims["auth_time"] == signed_in_at
    settings.JWT_REFRESH_ABSOLUTE_DAYS = 0  # the limit has passed
    refused = refresh(api_client, rotated)
    assert refused.status_code == 401
    assert "refresh" not in refused.json()


def test_refresh_token_without_signin_time_cannot_be_renewed(api_client):
    from rest_framework_simplejwt.tokens import RefreshToken

    legacy = RefreshToken.for_user(UserFactory())  # no auth_time claim
    assert refresh(api_client, str(legacy)).status_code == 401
