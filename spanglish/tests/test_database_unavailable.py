"""With the database down every request answers 503 within a couple of seconds (a
page for people, error JSON for the API), and the first request after it returns
succeeds.

The drill runs for real: the app under gunicorn with production settings on a
PostgreSQL server of its own (a temporary directory, a free port), which the test
stops and starts. SQLite cannot lose its server, and the shared PostgreSQL must not.
"""

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from bench import server
from bench.services import PrivatePostgres, free_port, postgres_bindir
from spanglish import views
from spanglish.unavailable import unavailable_response

CLIENT_TIMEOUT = 10
# DATABASE_POOL_TIMEOUT is 2 s; the rest is slack for a busy test machine.
PROMPT = 4.0


def fetch(url: str, *, method: str = "GET", body: dict | None = None):
    """(status, headers, text, seconds) — errors are answers too."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    if data is not None:
        request.add_header("Content-Type", "application/json")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=CLIENT_TIMEOUT) as response:  # noqa: S310
            status, headers, text = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, text = error.code, error.headers, error.read()
    return status, headers, text.decode(), time.monotonic() - started


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    if postgres_bindir() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    pg = PrivatePostgres()
    try:
        pg.start()
        pg.create_database()
        environ = {
            "DATABASE_URL": pg.url,
            "CACHE_URL": "locmemcache://drill",
            # Every page reads the database: no shared cache to answer for it.
            "PUBLIC_CACHE_SECONDS": "0",
            # Production's static files storage needs its manifest: a private copy.
            "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        }
        server.manage("migrate", "--no-input", environ=environ)
        server.manage("collectstatic", "--no-input", environ=environ)
        with server.running_server(
            port=free_port(), workers=1, threads=4, environ=environ
        ) as base:
            yield pg, base
    finally:
        pg.close()


@pytest.mark.postgres
def test_database_down_pages_and_api_answer_503_promptly_instead_of_hanging(drill):
    pg, base = drill
    assert fetch(f"{base}/en/events/")[0] == 200  # the pool now holds a connection
    pg.stop()
    try:
        page = fetch(f"{base}/en/events/")
        api = fetch(f"{base}/api/events")
        login = fetch(
            f"{base}/api/auth/login",
            method="POST",
            body={"email": "someone@example.org", "password": "not-the-password"},
        )
    finally:
        pg.start()

    status, headers, text, seconds = page
    assert status == 503
    assert seconds < PROMPT
    assert "Back in a minute" in text
    assert "Volvemos enseguida" in text
    assert headers["Retry-After"].isdigit()
    for status, headers, text, seconds in (api, login):
        assert status == 503
        assert seconds < PROMPT
        assert headers["Retry-After"].isdigit()
        assert json.loads(text)["error"]["code"] == "unavailable"


def _concurrently(url: str, n: int) -> list[int]:
    with ThreadPoolExecutor(n) as pool:
        return [answer[0] for answer in pool.map(fetch, [url] * n)]


@pytest.mark.postgres
def test_first_request_after_the_database_returns_succeeds(drill):
    pg, base = drill
    for _ in range(3):  # several pooled connections, all to go stale at once
        assert _concurrently(f"{base}/api/events", 4) == [200] * 4
    pg.stop()  # a restart: every pooled connection dies, none is used meanwhile
    pg.start()

    status, _headers, _text, seconds = fetch(f"{base}/api/events")
    assert status == 200
    assert seconds < PROMPT
    assert [fetch(f"{base}/en/events/")[0] for _ in range(5)] == [200] * 5


@pytest.mark.postgres
def test_requests_succeed_again_once_a_longer_outage_ends(drill):
    pg, base = drill
    assert fetch(f"{base}/api/events")[0] == 200
    pg.stop()
    try:
        assert fetch(f"{base}/api/events")[0] == 503
        time.sleep(3)  # the pool's reconnection attempts give up and start over
    finally:
        pg.start()

    status, _headers, _text, seconds = fetch(f"{base}/api/events")
    assert status == 200
    assert seconds < PROMPT


def test_lost_database_inside_a_middleware_is_a_503_not_a_500():
    # A session saved or a user loaded in a middleware fails outside the view:
    # Django hands that exception to handler500.
    request = RequestFactory().get("/api/events")
    try:
        raise OperationalError("connection to server failed: Connection refused")
    except OperationalError:
        response = views.server_error(request)

    assert response.status_code == 503
    assert json.loads(response.content)["error"]["code"] == "unavailable"


def test_other_errors_stay_500():
    request = RequestFactory().get("/api/events")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = views.server_error(request)

    assert response.status_code == 500


def test_outage_page_is_rendered_without_touching_the_database():
    # No django_db mark: pytest-django makes any database access here raise.
    response = unavailable_response(RequestFactory().get("/es/"))

    assert response.status_code == 503
    assert "no-store" in response["Cache-Control"]
    assert b"Back in a minute" in response.content
