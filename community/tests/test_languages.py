import pytest

from community.languages import user_set_languages
from community.models import AuditLog, LanguageSkill

pytestmark = pytest.mark.django_db


def skills_of(user):
    return sorted(
        (s.language, s.kind, s.level) for s in LanguageSkill.objects.filter(user=user)
    )


def test_profile_page_saves_native_and_learned_languages(client, member):
    client.force_login(member)
    page = client.get("/en/account/profile/")
    assert b"Your languages" in page.content
    response = client.post(
        "/en/account/profile/",
        {
            "save_languages": "1",
            "spanish": "B1",
            "english": "native",
            "other_native": "",
            "other_learning": "fr A2",
        },
    )
    assert response.status_code == 302
    assert skills_of(member) == [
        ("en", "native", ""),
        ("es", "learning", "B1"),
        ("fr", "learning", "A2"),
    ]
    assert AuditLog.objects.filter(action="user.languages_changed").exists()
    page = client.get("/en/account/profile/")
    assert b'<option value="B1" selected>' in page.content


def test_profile_page_refuses_a_learned_language_without_level(client, member):
    client.force_login(member)
    response = client.post(
        "/en/account/profile/",
        {"save_languages": "1", "spanish": "native", "other_learning": "fr"},
    )
    assert response.status_code == 400
    assert skills_of(member) == []


def test_api_shows_and_replaces_a_users_languages(auth_client, member):
    user_set_languages(user=member, skills=[{"language": "es", "kind": "native"}])
    client = auth_client(member)
    body = client.get(f"/api/users/{member.pk}").json()
    assert body["languages"] == [{"language": "es", "kind": "native", "level": ""}]
    response = client.put(
        f"/api/users/{member.pk}",
        {
            "languages": [
                {"language": "EN", "kind": "native"},
                {"language": "es", "kind": "learning", "level": "C1"},
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    assert skills_of(member) == [("en", "native", ""), ("es", "learning", "C1")]


def test_api_refuses_invalid_languages_with_400(auth_client, member):
    response = auth_client(member).put(
        f"/api/users/{member.pk}",
        {"languages": [{"language": "es", "kind": "learning"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "error" in response.json()
