"""With Redis down, members still book, sign in and browse: throttles and rate
limits let requests through instead of answering 500. The cache points at a real
closed port, the way a stopped Redis looks to the app."""

import pytest

from bench.services import free_port
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/1",
        }
    }


def test_member_books_while_redis_is_down(redis_down, auth_client, member):
    event = EventFactory()

    response = auth_client(member).post(
        "/api/tickets", {"event": str(event.pk)}, format="json"
    )

    assert response.status_code == 201


def test_sign_in_over_the_api_works_while_redis_is_down(redis_down, api_client):
    user = UserFactory(email="member@example.org")

    response = api_client.post(
        "/api/auth/login",
        {"email": user.email, "password": "correct-horse-battery"},
        format="json",
    )

    assert response.status_code == 200
    assert "access" in response.json()
