"""With PLAUSIBLE_DOMAIN set, a public page really runs the analytics script and lets it
report a visit under the page's CSP; an account page never fetches it.

Plausible's servers are played by page.route: the script served here does what the
real one does that matters to the CSP (runs from its origin, POSTs to /api/event)."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import csp_violations
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

FAKE_SCRIPT = """
(function () {
  var me = document.currentScript;
  fetch('https://plausible.io/api/event', {
    method: 'POST',
    body: JSON.stringify({n: 'pageview', d: me.dataset.domain, u: location.href}),
  }).then(function () { document.documentElement.dataset.counted = me.dataset.domain; });
})();
"""


@pytest.fixture
def plausible(page, settings):
    settings.PLAUSIBLE_DOMAIN = "spanglish.example.org"
    settings.PLAUSIBLE_SCRIPT_URL = "https://plausible.io/js/script.js"
    calls = []

    def serve(route):
        calls.append(route.request.url)
        if route.request.url.endswith("/js/script.js"):
            route.fulfill(content_type="text/javascript", body=FAKE_SCRIPT)
        else:
            route.fulfill(status=202, body="ok")

    page.route("https://plausible.io/**", serve)
    return calls


def test_public_page_runs_the_script_and_reports_the_visit(page, plausible):
    event = EventFactory(title_en="Tapas night")
    page.goto(f"/en/events/{event.slug}/")
    expect(page.locator("html")).to_have_attribute(
        "data-counted", "spanglish.example.org"
    )
    assert plausible == [
        "https://plausible.io/js/script.js",
        "https://plausible.io/api/event",
    ]
    assert csp_violations(page) == []


def test_account_pages_never_fetch_it(page, plausible):
    page.goto("/en/account/login/")
    page.goto("/es/account/signup/")
    expect(page.locator("h1")).to_be_visible()
    assert plausible == []


def test_off_by_default(page, settings):
    calls = []
    page.route("https://plausible.io/**", lambda route: calls.append(route) or None)
    page.goto("/en/")
    expect(page.locator("h1")).to_be_visible()
    assert calls == []
    assert page.locator("script[data-domain]").count() == 0
