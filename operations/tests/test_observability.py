"""Structured logs without secrets, Prometheus metrics, readiness reports."""

import io
import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from operations.models import Heartbeat
from operations.services import heartbeat_record
from spanglish.logging import RedactingFilter
from spanglish.middleware import RequestIDLogFilter
from tickets.models import TicketStatus
from tickets.tests.factories import TicketFactory

SECRETS = ("Sup3r-Secret-pw", "eyJhbGciOi.secret-token-part", "4242424242424242")


@pytest.fixture
def json_log():
    """Capture every record as production formats it (JSON + the same filters)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
    )
    handler.addFilter(RequestIDLogFilter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    access = logging.getLogger("spanglish.access")
    level = access.level
    access.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    access.setLevel(level)


@pytest.mark.django_db
def test_request_with_password_and_bearer_token_is_logged_without_them(
    client, json_log
):
    response = client.post(
        "/api/auth/login",
        data={"email": "someone@example.com", "password": SECRETS[0]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {SECRETS[1]}",
        HTTP_X_REQUEST_ID="req-42",
    )
    request = response.wsgi_request
    # What careless code might log: the request, its body, headers, a card number.
    logging.getLogger("payments").warning(
        "Declined card %s for body %s",
        "4242 4242 4242 4242",
        f'{{"password": "{SECRETS[0]}", "card_number": "{SECRETS[2]}"}}',
        extra={
            "request": request,
            "headers": {"Authorization": f"Bearer {SECRETS[1]}", "Cookie": "a=b"},
            "password": SECRETS[0],
        },
    )

    records = json_log()
    text = json.dumps(records)
    for secret in SECRETS:
        assert secret not in text
    assert "4242 4242 4242 4242" not in text
    assert "[REDACTED]" in text
    access = next(r for r in records if r["name"] == "spanglish.access")
    assert access["path"] == "/api/auth/login"
    assert access["status"] == response.status_code
    assert access["request_id"] == "req-42"
    assert access["duration_ms"] >= 0
    payment = next(r for r in records if r["name"] == "payments")
    assert payment["request"] == "POST /api/auth/login"


@pytest.mark.django_db
def test_access_log_carries_the_signed_in_user(auth_client, member, json_log):
    auth_client(member).get("/api/auth/me")

    access = [r for r in json_log() if r["name"] == "spanglish.access"]
    assert access[-1]["user_id"] == str(member.pk)
    assert access[-1]["status"] == 200


@pytest.mark.django_db
def test_metrics_report_requests_tickets_payments_and_queue(client):
    TicketFactory.create_batch(2)
    TicketFactory(status=TicketStatus.CANCELLED)
    client.get("/healthz")

    response = client.get("/metrics")

    assert response.status_code == 200
    body = response.content.decode()
    assert "spanglish_tickets_sold 2.0" in body
    assert 'spanglish_tickets{status="cancelled"} 1.0' in body
    assert "spanglish_payments" in body
    assert "spanglish_task_queue_depth" in body
    assert (
        'spanglish_http_requests_total{method="GET",route="healthz",status="200"}'
        in body
    )
    assert "spanglish_http_request_duration_seconds_bucket" in body


@pytest.mark.django_db
def test_metrics_need_the_token_or_an_allowed_network(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.METRICS_TOKEN = "scrape-me-please"

    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert (
        client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me-please").status_code
        == 200
    )
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


@pytest.mark.django_db
def test_readyz_reports_worker_heartbeat_and_backup_age(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    body = client.get("/readyz").json()
    assert body["checks"]["worker"] == "warning: no worker heartbeat yet"
    assert body["checks"]["backup"] == "warning: no successful backup yet"

    heartbeat_record(name=Heartbeat.WORKER)
    heartbeat_record(name=Heartbeat.BACKUP)
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["worker"].startswith("ok: last worker heartbeat")
    assert response.json()["checks"]["backup"].startswith("ok: last successful backup")


@pytest.mark.django_db
def test_heartbeat_task_records_that_the_worker_runs():
    from django.core.management import call_command

    call_command("worker_heartbeat", stdout=io.StringIO())  # immediate backend runs it

    assert Heartbeat.objects.filter(name=Heartbeat.WORKER).exists()
