"""Settings, health probes, proxy handling, request ids, demo data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from spanglish.net import client_ip

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    # The browser tests allow async-unsafe ORM calls in their own process only.
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run_manage("check", DEBUG="false", SECRET_KEY="short")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "k3J9-unpredictable-secret-value-0123456789",
        ALLOWED_HOSTS="spanglish.example.org",
        SITE_URL="https://spanglish.example.org",
        EMAIL_BACKEND="anymail.backends.postmark.EmailBackend",
        POSTMARK_SERVER_TOKEN="placeholder",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.1", "6.6.6.6", "10.0.0.1"),  # no proxy: header ignored
        (
            1,
            "10.0.0.1",
            "6.6.6.6, 203.0.113.9",
            "203.0.113.9",
        ),  # spoofed left part ignored
        (2, "10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "10.0.0.1", "", "10.0.0.1"),
    ],
)
def test_client_ip_trusts_only_configured_proxies(
    settings, count, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_ip(request) == expected


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_and_cache(client):
    body = client.get("/readyz").json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_readyz_reports_unavailable_cache(client):
    from django.test import override_settings

    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("error")


def test_request_id_is_echoed_or_made(client):
    assert (
        client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    )
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")[
        "X-Request-ID"
    ]
    assert made != "bad id\nwith newline" and len(made) == 32


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys):
    from community.models import User
    from events.models import Event

    call_command("seed_demo")
    counts = (Event.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Event.objects.count(), User.objects.count()) == counts
    # One-off events plus the sessions of the regular meetups (events/tests/
    # test_seed_demo.py checks the demo itself).
    assert counts[0] > 12
    assert Event.objects.filter(title_es__gt="", title_en__gt="").count() == counts[0]
    assert "admin@spanglish.local" in capsys.readouterr().out
    admin = User.objects.get(email="admin@spanglish.local")
    assert admin.is_superuser and admin.check_password("spanglish-admin")
