"""Logs and Sentry from the attacker's side: someone who reads the JSON access log,
the error log or Sentry must not find the token of a sign-in, reset or verification
link that went through the site."""

import io
import json
import logging

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from pythonjsonlogger.json import JsonFormatter

from community import tokens
from spanglish.logging import (
    RedactingFilter,
    sentry_before_breadcrumb,
    sentry_before_send,
)
from spanglish.middleware import RequestIDLogFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """Every record as production formats it (JSON + the same handler filters)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
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


def _access_lines(records):
    return [r for r in records if r["name"] == "spanglish.access"]


def test_access_log_of_a_sign_in_link_has_the_route_but_no_token(
    client, admin_user, json_log
):
    token = tokens.make_token(user=admin_user, purpose="login")

    response = client.get(f"/en/account/login/link/{token}/")

    assert response.status_code == 200
    [line] = _access_lines(json_log())
    assert token not in json.dumps(line)
    assert line["route"] == "community:login_link"
    assert line["path"] == "/en/account/login/link/[REDACTED]/"


def test_access_log_of_a_reset_link_has_neither_uid_nor_token(
    client, admin_user, json_log
):
    uidb64 = urlsafe_base64_encode(force_bytes(admin_user.pk))
    token = default_token_generator.make_token(admin_user)

    client.get(f"/es/account/password/reset/{uidb64}/{token}/")

    text = json.dumps(json_log())
    assert uidb64 not in text and token not in text
    assert "/es/account/password/reset/[REDACTED]/[REDACTED]/" in text


def test_mistyped_link_redirected_before_routing_is_logged_without_token(
    client, member, json_log
):
    token = tokens.make_token(user=member, purpose="verify")

    # No trailing slash, no language prefix: answered by a redirect, not the view.
    client.get(f"/account/verify/{token}")

    records = json_log()
    assert _access_lines(records)
    assert token not in json.dumps(records)


def test_error_log_line_naming_a_link_path_has_no_token(json_log, member):
    token = tokens.make_token(user=member, purpose="email_change", new="x@example.com")

    logging.getLogger("django.request").error(
        "Internal Server Error: %s", f"/en/account/email/confirm/{token}/"
    )

    assert token not in json.dumps(json_log())


def test_sentry_event_and_breadcrumbs_carry_no_token(member):
    token = tokens.make_token(user=member, purpose="login")
    path = f"/en/account/login/link/{token}/"
    crumb = sentry_before_breadcrumb(
        {
            "category": "httplib",
            "message": f"GET https://spanglish.example.org{path}",
            "data": {"url": f"https://spanglish.example.org{path}?next={token}"},
        },
        {},
    )
    event = sentry_before_send(
        {
            "message": f"Internal Server Error: {path}",
            "request": {
                "url": f"https://spanglish.example.org{path}",
                "query_string": f"t={token}",
            },
            "breadcrumbs": {"values": [{"message": f"Not Found: {path}"}]},
            "exception": {
                "values": [
                    {
                        "stacktrace": {
                            "frames": [
                                {"vars": {"request": f"<WSGIRequest: GET '{path}'>"}}
                            ]
                        }
                    }
                ]
            },
        },
        {},
    )

    assert token not in json.dumps(crumb) and token not in json.dumps(event)
    assert event["request"]["url"].endswith("/en/account/login/link/[REDACTED]/")
