"""Fixtures shared by every app's tests."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Argon2 is deliberately slow; tests that check hashing ask for it explicitly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Requests without a language prefix or Accept-Language get English, the source
    # language, so assertions read naturally; Spanish is tested by asking for it.
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    settings.AXES_ENABLED = True
    # Admins need not set up an authenticator app here (many tests sign one in with
    # force_login); two-factor tests turn the requirement on. Staff who have an
    # app are asked for its code whatever this says.
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _clear_cache(_fast_and_isolated):
    # Depends on the settings fixture above so it clears the test cache, not the
    # one from the environment (autouse fixtures otherwise run in name order).
    # Clearing before each test is enough; after it a test may still point the
    # cache at something unreachable on purpose.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


def _user(role, **kwargs):
    from community.tests.factories import UserFactory

    return UserFactory(role=role, **kwargs)


@pytest.fixture
def member(db):
    return _user("member")


@pytest.fixture
def volunteer(db):
    return _user("volunteer")


@pytest.fixture
def organizer(db):
    return _user("organizer")


@pytest.fixture
def admin_user(db):
    return _user("admin")


@pytest.fixture
def auth_client():
    """auth_client(user) → an APIClient sending that user's JWT access token."""
    from rest_framework_simplejwt.tokens import RefreshToken

    def make(user):
        client = APIClient()
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture(autouse=True, scope="session")
def _patient_connection_pool(django_db_setup, django_db_blocker):
    """Concurrency tests start up to 200 threads in one process against the pool's
    10 connections. Production waits DATABASE_POOL_TIMEOUT (1 s) for a connection,
    sized for gunicorn's two threads per worker; here the threads queue on purpose,
    so they may wait as long as a test would."""
    from django.db import connections

    for connection in connections.all():
        pool = connection.settings_dict.get("OPTIONS", {}).get("pool")
        if isinstance(pool, dict):
            pool["timeout"] = 30
            with django_db_blocker.unblock():
                connection.close_pool()
    yield
