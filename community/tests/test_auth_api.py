import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail

from community.models import Role, User
from community.selectors import user_by_pk
from community.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def login(client, email, password=PASSWORD):
    return client.post(
        "/api/auth/login", {"email": email, "password": password}, format="json"
    )


def test_login_returns_tokens_and_me_works(api_client, member):
    tokens = login(api_client, member.email).json()
    assert {"access", "refresh"} <= set(tokens)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    me = api_client.get("/api/auth/me").json()
    assert (
        me.items()
        >= {
            "id": str(member.id),
            "email": member.email,
            "name": member.name,
            "phone": member.phone,
            "role": "member",
            "language": member.language,
        }.items()
    )
    assert me["languages"] == []


def test_login_is_case_insensitive_on_email(api_client, member):
    assert login(api_client, member.email.upper()).status_code == 200


def test_wrong_password_is_401_with_error_shape(api_client, member):
    response = login(api_client, member.email, "nope")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_access_token_has_audience(api_client, member):
    import jwt

    access = login(api_client, member.email).json()["access"]
    claims = jwt.decode(access, options={"verify_signature": False})
    assert claims["aud"] == "spanglish-api"


def test_refresh_rotates_and_old_refresh_stops_working(api_client, member):
    first = login(api_client, member.email).json()["refresh"]
    response = api_client.post("/api/auth/refresh", {"refresh": first}, format="json")
    assert response.status_code == 200
    second = response.json()["refresh"]
    assert second != first
    again = api_client.post("/api/auth/refresh", {"refresh": first}, format="json")
    assert again.status_code == 401


def test_logout_blacklists_refresh(api_client, member):
    refresh = login(api_client, member.email).json()["refresh"]
    assert (
        api_client.post(
            "/api/auth/logout", {"refresh": refresh}, format="json"
        ).status_code
        == 200
    )
    after = api_client.post("/api/auth/refresh", {"refresh": refresh}, format="json")
    assert after.status_code == 401


def test_register_applies_password_validators(
    api_client, django_capture_on_commit_callbacks
):
    weak = api_client.post(
        "/api/auth/register",
        {"email": "new@example.com", "password": "123", "name": "N"},
        format="json",
    )
    assert weak.status_code == 400
    assert "password" in weak.json()["error"]["fields"]
    assert not User.objects.filter(email="new@example.com").exists()
    with django_capture_on_commit_callbacks(execute=True):
        ok = api_client.post(
            "/api/auth/register",
            {
                "email": "New@Example.com",
                "password": "a-long-unusual-passphrase",
                "name": "Nuria",
            },
            format="json",
        )
    assert ok.status_code == 202
    user = User.objects.get(email="new@example.com")
    assert user.role == "member" and user.email_verified_at is None
    assert mail.outbox[-1].to == ["new@example.com"]
    # Changed on purpose (issue 13): no password sign-in before the address is proven.
    refused = login(api_client, "new@example.com", "a-long-unusual-passphrase")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "email_unverified"


def test_register_answers_the_same_for_an_existing_email(api_client, member):
    body = {"password": "a-long-unusual-passphrase", "name": "X"}
    existing = api_client.post(
        "/api/auth/register", {**body, "email": member.email.upper()}, format="json"
    )
    new = api_client.post(
        "/api/auth/register", {**body, "email": "fresh@example.com"}, format="json"
    )
    assert existing.status_code == new.status_code == 202
    assert existing.json() == new.json()
    assert User.objects.filter(email__iexact=member.email).count() == 1


def test_register_is_rate_limited_per_ip(api_client, settings):
    settings.ACCOUNT_RATE_LIMIT_PER_HOUR = 1
    body = {"password": "a-long-unusual-passphrase", "name": "X"}
    api_client.post("/api/auth/register", {**body, "email": "a@example.com"})
    blocked = api_client.post("/api/auth/register", {**body, "email": "b@example.com"})
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled"


def test_me_requires_authentication(api_client):
    response = api_client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_repeated_failures_lock_out_with_clear_message(api_client, member, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login(api_client, member.email, "wrong")
    locked = login(api_client, member.email)  # even the right password
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.json()["error"]["message"]


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory()
    user.set_password("some-pass-phrase")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_createsuperuser_noinput_yields_admin(monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Boss@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-unusual-passphrase")
    monkeypatch.setenv("DJANGO_SUPERUSER_NAME", "Boss")
    call_command("createsuperuser", "--noinput", verbosity=0)
    boss = User.objects.get(email="boss@example.com")
    assert boss.role == Role.ADMIN and boss.is_superuser and boss.is_staff
    assert boss.check_password("a-long-unusual-passphrase")


def test_an_access_token_stops_working_when_its_user_is_deactivated(api_client, member):
    access = login(api_client, member.email).json()["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert api_client.get("/api/auth/me").status_code == 200

    User.objects.filter(pk=member.pk).update(is_active=False)
    response = api_client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "user_inactive"
    spanish = api_client.get("/api/auth/me", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.json()["error"]["message"] == "Esta cuenta está desactivada."


def test_an_access_token_of_a_deleted_user_is_refused(api_client, member):
    access = login(api_client, member.email).json()["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    User.objects.filter(pk=member.pk).delete()
    response = api_client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "user_not_found"


def test_the_api_reads_the_signed_in_user_as_stored(member):
    """The API's user lookup (one hand-written statement) builds the same user,
    field by field, as the ORM, from the id as a UUID or as text."""
    stored = User.objects.get(pk=member.pk)
    for pk in (member.pk, str(member.pk)):
        user = user_by_pk(pk)
        for field in User._meta.concrete_fields:
            assert getattr(user, field.attname) == getattr(stored, field.attname), (
                field.name
            )
    assert user_by_pk("not-a-uuid") is None
    assert user_by_pk("00000000-0000-4000-8000-000000000000") is None


def test_an_access_token_used_before_is_refused_once_it_expires(api_client, member):
    """A token the API has already verified is still refused after its expiry."""
    import time
    from datetime import timedelta

    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken.for_user(member)
    token.set_exp(lifetime=timedelta(seconds=2))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.get("/api/auth/me").status_code == 200

    time.sleep(2.1)
    response = api_client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


def test_an_access_token_used_before_is_refused_after_signing_out_everywhere(
    api_client, member
):
    from community.sessions import user_revoke_sessions

    access = login(api_client, member.email).json()["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert api_client.get("/api/auth/me").status_code == 200

    user_revoke_sessions(user=member)

    assert api_client.get("/api/auth/me").status_code == 401


def test_a_tampered_copy_of_a_token_in_use_is_refused(api_client, member):
    access = login(api_client, member.email).json()["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert api_client.get("/api/auth/me").status_code == 200

    header, payload, signature = access.split(".")
    forged = ".".join(
        [header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]]
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    response = api_client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"
    spanish = api_client.get("/api/auth/me", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.json()["error"]["message"] == (
        "Este token no es válido o ha caducado. Renuévalo o vuelve a iniciar sesión."
    )
