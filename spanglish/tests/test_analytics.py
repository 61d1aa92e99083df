"""Optional Plausible analytics: off by default; when on, public pages load the script
(deferred, no inline code) and only their CSP lets its origin in; account, ticket,
door and admin pages never load it."""

import re

import pytest
from django.utils import translation

from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets.links import ticket_manage_url
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script[^>]*data-domain=[^>]*>")


def csp(response, directive: str) -> list[str]:
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        if name == directive:
            return sources
    return []


@pytest.fixture
def plausible(settings):
    settings.PLAUSIBLE_DOMAIN = "spanglish.example.org"
    settings.PLAUSIBLE_SCRIPT_URL = "https://plausible.io/js/script.js"
    return settings


def public_paths() -> list[str]:
    event = EventFactory()
    return [
        "/en/",
        "/es/events/",
        f"/en/events/{event.slug}/",
        "/en/series/",
        "/es/about/",
        "/en/privacy/",
        "/es/terms/",
        "/en/privacy/calendar-buttons/",
    ]


def test_off_by_default_no_tag_and_plain_policy(client):
    for path in public_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        assert not SCRIPT_TAG.search(response.content.decode()), path
        assert "plausible" not in response["Content-Security-Policy"], path
        assert without_nonce(csp(response, "script-src")) == ["'self'"]


def without_nonce(sources: list[str]) -> list[str]:
    return [s for s in sources if not s.startswith("'nonce-")]


def test_on_public_pages_load_the_script_deferred_and_the_policy_allows_it(
    client, plausible
):
    for path in public_paths():
        response = client.get(path)
        html = response.content.decode()
        tag = SCRIPT_TAG.search(html)
        assert tag, path
        assert tag.group(0) == (
            '<script defer data-domain="spanglish.example.org" '
            'src="https://plausible.io/js/script.js">'
        )
        assert "https://plausible.io" in csp(response, "script-src"), path
        assert "https://plausible.io" in csp(response, "connect-src"), path
        # Still no inline scripts allowed: the tag works by its origin alone.
        assert "'unsafe-inline'" not in csp(response, "script-src")
        assert "https://plausible.io" not in csp(response, "img-src")


def test_privacy_policy_names_the_analytics_only_when_on(client, settings):
    assert "Plausible" not in client.get("/en/privacy/").content.decode()
    settings.PLAUSIBLE_DOMAIN = "spanglish.example.org"
    html = client.get("/en/privacy/").content.decode()
    assert "Plausible Analytics" in html
    assert "uses no cookies" in html


def test_self_hosted_script_url_sets_its_own_origin(client, plausible):
    plausible.PLAUSIBLE_SCRIPT_URL = "https://stats.example.net/js/script.js"
    response = client.get("/en/")
    assert 'src="https://stats.example.net/js/script.js"' in response.content.decode()
    assert "https://stats.example.net" in csp(response, "script-src")
    assert "https://stats.example.net" in csp(response, "connect-src")
    assert "plausible.io" not in response["Content-Security-Policy"]


def test_script_served_from_this_site_needs_no_new_origin(client, plausible):
    plausible.PLAUSIBLE_SCRIPT_URL = "/stats/script.js"
    response = client.get("/en/")
    assert 'src="/stats/script.js"' in response.content.decode()
    assert without_nonce(csp(response, "script-src")) == ["'self'"]
    assert csp(response, "connect-src") == ["'self'"]


def assert_no_analytics(response):
    assert response.status_code == 200
    assert not SCRIPT_TAG.search(response.content.decode())
    assert "plausible" not in response.get("Content-Security-Policy", "")


def test_never_on_account_ticket_door_or_admin_pages(client, plausible):
    for path in (
        "/en/account/login/",
        "/en/account/signup/",
        "/en/account/password/reset/",
        "/admin/login/",
    ):
        assert_no_analytics(client.get(path))

    ticket = TicketFactory()
    with translation.override("en"):
        link = ticket_manage_url(ticket)
    response = client.get(link, follow=True)
    assert response.redirect_chain  # the signed link opened the ticket page
    assert_no_analytics(response)

    client.force_login(ticket.user)
    for path in ("/en/account/profile/", "/en/account/privacy/", "/en/passes/"):
        assert_no_analytics(client.get(path))

    client.force_login(UserFactory(role="volunteer"))
    assert_no_analytics(client.get("/en/tickets/door/"))
    assert_no_analytics(client.get(f"/en/tickets/door/{ticket.event.pk}/"))


def test_json_and_calendar_files_of_public_routes_are_left_alone(client, plausible):
    response = client.get("/api/events")
    assert "plausible" not in response.get("Content-Security-Policy", "")
    event = EventFactory()
    response = client.get(f"/en/events/{event.slug}/")
    assert "https://plausible.io" in csp(response, "script-src")
