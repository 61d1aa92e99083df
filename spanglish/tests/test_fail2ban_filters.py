"""The fail2ban filters shipped in deploy/host/fail2ban match what our own access
log writes when someone keeps failing to sign in or scans for pages, and never a
success. The lines come from real requests through the production JSON log format;
the filters' regexes run with fail2ban's <HOST> replaced by a named group."""

import configparser
import io
import json
import logging
import logging.config
import re
from pathlib import Path

import pytest
from django.conf import settings

from community.tests.factories import UserFactory

FILTERS = Path(__file__).resolve().parents[2] / "deploy" / "host" / "fail2ban"
PASSWORD = "correct-horse-battery"
HOST = r"(?P<host>[0-9A-Fa-f.:]+)"

pytestmark = pytest.mark.django_db


def failregexes(name: str) -> list[re.Pattern]:
    parser = configparser.ConfigParser()  # fail2ban's files are INI; %% is one %
    parser.read(FILTERS / "filter.d" / f"{name}.conf")
    lines = parser["Definition"]["failregex"].strip().splitlines()
    return [re.compile(line.strip().replace("<HOST>", HOST)) for line in lines]


def banned_host(patterns: list[re.Pattern], line: str) -> str | None:
    for pattern in patterns:
        if match := pattern.search(line):
            return match.group("host")
    return None


@pytest.fixture
def access_log():
    """The access log as production writes it: the JSON formatter and the filters
    from settings.LOGGING, into a buffer."""
    configurator = logging.config.DictConfigurator(settings.LOGGING)
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(
        configurator.configure_formatter(dict(settings.LOGGING["formatters"]["json"]))
    )
    for name in ("request_id", "redact"):
        handler.addFilter(
            configurator.configure_filter(dict(settings.LOGGING["filters"][name]))
        )
    logger = logging.getLogger("spanglish.access")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler.stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def requests_from(client, ip: str):
    """A client whose requests come from `ip` (no proxy in front: TRUSTED_PROXY_COUNT 0)."""
    client.defaults["REMOTE_ADDR"] = ip
    return client


def lines_for(stream: io.StringIO, ip: str) -> list[str]:
    return [
        line
        for line in stream.getvalue().splitlines()
        if json.loads(line).get("client_ip") == ip
    ]


def test_auth_filter_bans_failed_sign_ins_and_lockouts_never_successes(
    client, access_log, settings
):
    settings.AXES_FAILURE_LIMIT = 5  # counted per IP across site, admin and API
    member = UserFactory(email="member@example.org")
    patterns = failregexes("spanglish-auth")

    good = requests_from(client, "198.51.100.7")
    site = good.post(
        "/en/account/login/", {"username": member.email, "password": PASSWORD}
    )
    api = good.post(
        "/api/auth/login",
        {"email": member.email, "password": PASSWORD},
        content_type="application/json",
    )
    good.get("/en/")
    good_lines = lines_for(access_log, "198.51.100.7")

    bad = requests_from(client.__class__(), "203.0.113.9")
    statuses = [
        bad.post(
            "/en/account/login/", {"username": "nobody@example.org", "password": "x"}
        ).status_code,
        bad.post(
            "/admin/login/", {"username": "admin@example.org", "password": "x"}
        ).status_code,
    ]
    statuses += [
        bad.post(
            "/api/auth/login",
            {"email": member.email, "password": "wrong-password"},
            content_type="application/json",
        ).status_code
        for _ in range(4)
    ]
    bad_lines = lines_for(access_log, "203.0.113.9")

    assert (site.status_code, api.status_code) == (302, 200)
    assert statuses == [200, 200, 401, 401, 429, 429]
    assert len(good_lines) == 3
    assert [banned_host(patterns, line) for line in good_lines] == [None] * 3
    assert len(bad_lines) == 6
    assert [banned_host(patterns, line) for line in bad_lines] == ["203.0.113.9"] * 6


def test_scan_filter_counts_404s_not_pages_found(client, access_log):
    patterns = failregexes("spanglish-scan")
    scanner = requests_from(client, "2001:db8::66")
    # The last path tries to frame someone else: a fake client_ip inside the path.
    paths = ("/wp-login.php", "/.env", '/x", "client_ip": "192.0.2.1"}')
    for path in paths:
        assert scanner.get(path).status_code == 404
    assert scanner.get("/en/").status_code == 200
    lines = lines_for(access_log, "2001:db8::66")

    assert len(lines) == 4
    assert [banned_host(patterns, line) for line in lines] == ["2001:db8::66"] * 3 + [
        None
    ]


def test_access_log_timestamps_are_utc_iso_8601_with_offset(
    client, access_log, settings
):
    settings.TIME_ZONE = "America/Argentina/Buenos_Aires"
    client.get("/en/")
    stamp = json.loads(access_log.getvalue().splitlines()[-1])["asctime"]

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", stamp)
