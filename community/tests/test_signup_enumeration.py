"""Issue 13, "sign-up reveals who has an account": someone sends the same sign-up
for an address that has an account and for one that does not, and compares."""

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from community.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a-long-unusual-passphrase"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


class CountingHasher(MD5PasswordHasher):
    """A real hasher that counts the passwords it hashes (the slow step)."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


def register(api_client, email, password):
    return api_client.post(
        "/api/auth/register",
        {"email": email, "password": password, "name": "Probe"},
        format="json",
    )


@pytest.mark.parametrize("password", ["password", "a-long-unusual-passphrase"])
def test_register_answers_alike_for_existing_and_new_address(
    api_client, password, settings
):
    settings.ACCOUNT_RATE_LIMIT_PER_HOUR = 100
    member = UserFactory()
    existing = register(api_client, member.email, password)
    new = register(api_client, "nobody-yet@example.com", password)
    assert existing.status_code == new.status_code
    assert existing.json().keys() == new.json().keys()
    if "error" in existing.json():
        assert existing.json()["error"].keys() == new.json()["error"].keys()
        assert existing.json()["error"]["fields"].keys() == (
            new.json()["error"]["fields"].keys()
        )
        assert existing.json()["error"]["message"] == new.json()["error"]["message"]
    else:
        assert existing.json() == new.json()


def test_weak_password_is_refused_alike_for_existing_and_new_address(api_client):
    member = UserFactory()
    existing = register(api_client, member.email, "password")
    new = register(api_client, "nobody-yet@example.com", "password")
    assert existing.status_code == new.status_code == 400
    assert existing.json() == new.json()


@pytest.mark.parametrize("password,hashes", [("password", 0), (STRONG, 1)])
def test_register_hashes_alike_whether_or_not_the_address_exists(
    api_client, counting_hasher, password, hashes
):
    # Hashing is the slow step (Argon2 in production): the same number of hashes
    # on both paths is what makes both answers take as long.
    member = UserFactory()
    counting_hasher.calls = 0
    register(api_client, member.email, password)
    for_existing = counting_hasher.calls
    counting_hasher.calls = 0
    register(api_client, "nobody-yet@example.com", password)
    for_new = counting_hasher.calls
    assert for_existing == for_new == hashes


def test_signup_page_refuses_a_weak_password_alike_for_existing_and_new_address(
    client,
):
    member = UserFactory()

    def page(email):
        response = client.post(
            "/en/account/signup/",
            {"name": "Probe", "email": email, "password": "password"},
        )
        html = CSRF.sub("", response.content.decode())
        return response.status_code, html.replace(email, "X")

    assert page(member.email) == page("nobody-yet@example.com")


def test_passwords_shorter_than_12_characters_are_refused(api_client):
    response = register(api_client, "new@example.com", "Xq7!vR2#kLp")  # 11
    assert response.status_code == 400
    assert "at least 12 characters" in response.json()["error"]["fields"]["password"][0]
    assert register(api_client, "new@example.com", "Xq7!vR2#kLp9").status_code == 202
