"""Browser tests: headless Debian Chromium driven by Playwright against live_server.

Playwright's own browser download cannot work on these machines, so the browser is
the system's Chromium (`CHROMIUM` to point elsewhere; `make browser` installs it).
Screenshots of each page go to artifacts/screenshots/ (CI keeps that folder).

live_server runs in this process, so the `settings` fixture changes what it serves.
"""

import json
import os
import re
import shutil
import urllib.request
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls our tests
# make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
STRIPE_WEBHOOK_SECRET = "whsec_e2e_secret"  # noqa: S105


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def new_page(browser, live_server, **context_options):
    """A new browser context and its page on the live server, with the
    console's errors collected in `page.csp_errors`."""
    context = browser.new_context(base_url=live_server.url, **context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    # Console errors, for the CSP checks (Chromium logs each violation as one).
    page.csp_errors = errors = []
    page.on(
        "console", lambda msg: errors.append(msg.text) if msg.type == "error" else None
    )
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = new_page(browser, live_server, locale="en-GB")
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context, page = new_page(
        browser,
        live_server,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="es-ES",
    )
    yield page
    context.close()


def csp_violations(page) -> list[str]:
    return [e for e in page.csp_errors if "Content Security Policy" in e]


@pytest.fixture
def shot(request):
    """shot(page, "name") saves a full-page screenshot named after the test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{test}--{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def login_in_browser(page, user) -> None:
    """Sign `user` in: a real Django session whose cookie goes into the browser."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


@pytest.fixture
def login():
    """login(page, user): the browser of `page` is signed in as `user`."""
    return login_in_browser


@pytest.fixture
def fake_stripe(settings, live_server):
    """Stripe's API played by payments/tests/fakes.py; return URLs point at live_server.

    The fake's hosted checkout lives at https://checkout.stripe.test, which the tests
    serve with page.route; CSP form-action lists it the way CSP_FORM_ACTION_EXTRA
    would in a deployment.
    """
    from payments.tests.fakes import STRIPE_CHECKOUT_HOST, start_fake_providers

    fake = start_fake_providers()
    settings.STRIPE_SECRET_KEY = "sk_test_e2e"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.base_url
    settings.MERCADOPAGO_ACCESS_TOKEN = ""
    settings.SITE_URL = live_server.url
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], STRIPE_CHECKOUT_HOST],
    }
    yield fake
    fake.stop()


def send_stripe_webhook(base_url: str, event_type: str, obj: dict) -> int:
    """POST a webhook signed with the real algorithm, as Stripe would; the status."""
    from payments.tests.fakes import stripe_event, stripe_signature

    payload = stripe_event(event_type, obj)
    request = urllib.request.Request(  # noqa: S310 — our own live_server
        f"{base_url}/api/payments/webhook/stripe",
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": stripe_signature(payload, STRIPE_WEBHOOK_SECRET),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        json.loads(response.read() or b"{}")
        return response.status
