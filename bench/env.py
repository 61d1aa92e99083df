"""The environment every benchmark runs in: production settings on PostgreSQL."""

import os
import secrets

BENCH_DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/spanglish_bench"
)
BENCH_PORT = int(os.environ.get("BENCH_PORT", "8089"))

ENV = {
    "DJANGO_SETTINGS_MODULE": "spanglish.settings",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": f"http://127.0.0.1:{BENCH_PORT}",
    "DATABASE_URL": BENCH_DB,
    "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/7"),
    # Plain HTTP on loopback: no TLS proxy in front of the benchmark.
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
    # Limits meant for real clients would turn a load test into a throttling test.
    "THROTTLE_USER_WRITE": "100000000/hour",
    "THROTTLE_AUTH": "100000000/minute",
    # The whole API's ceiling (600 a minute per user or anonymous IP) likewise.
    "THROTTLE_API": "100000000/minute",
    # The anonymous-booking limits (10 per IP per 10 minutes, 3 per email per event
    # per day by default) are lifted too: every load client books from 127.0.0.1.
    "BOOKING_RATE_LIMIT_PER_IP": "100000000",
    "BOOKING_RATE_LIMIT_PER_EMAIL": "100000000",
    # As in production: a request queues its emails; the worker (not running here,
    # not measured) sends them. "immediate" would time email rendering as well.
    "TASKS_BACKEND": "database",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
}


def apply() -> None:
    """Point this process at the benchmark database before Django is imported."""
    os.environ.update(ENV)
    os.environ.setdefault("PYTHONHASHSEED", "0")


def ensure_database() -> None:
    import psycopg

    name = BENCH_DB.rsplit("/", 1)[-1]
    admin_url = BENCH_DB.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
