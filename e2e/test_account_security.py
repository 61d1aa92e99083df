"""Account security as people meet it on a phone, in both languages: a password that
waits for a proven address, and staff signing in with an authenticator app."""

import re
import time

import pytest
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

from community.models import User
from community.tests.factories import UserFactory
from community.two_factor import two_factor_enable, two_factor_setup_start

pytestmark = pytest.mark.django_db(transaction=True)
LANGS = ["es", "en"]
PASSWORD = "correct-horse-battery"  # noqa: S105 — the factories' password
CHOSEN = "una-clave-bastante-larga"  # noqa: S105


def _code(device, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _path_of_last_link(to: str) -> str:
    message = [m for m in mail.outbox if to in m.to][-1]
    url = re.search(r"https?://\S+", message.body).group(0)
    return "/" + url.split("/", 3)[3]


def _sign_in_form(page, lang, email, password):
    page.goto(f"/{lang}/account/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").first.click()


@pytest.mark.parametrize("lang", LANGS)
def test_password_waits_until_the_address_is_proven(phone_page, shot, settings, lang):
    page = phone_page
    email = f"new-{lang}@example.org"
    page.goto(f"/{lang}/account/signup/")
    page.locator("input[name=name]").fill("Nuria")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(CHOSEN)
    page.locator("form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text(email)
    shot(page, "signed-up")

    # Whoever typed the address and a password cannot use it yet.
    _sign_in_form(page, lang, email, CHOSEN)
    assert "/account/login/" in page.url
    refusal = page.locator(".form-errors, .errorlist, .notice-danger").first
    expect(refusal).to_be_visible()
    if lang == "en":
        expect(refusal).to_contain_text("confirm your email")
    else:
        expect(refusal).to_contain_text("confirma tu dirección")
    shot(page, "refused-until-confirmed")

    # The owner opens the emailed link and types the password they chose.
    page.goto(_path_of_last_link(email))
    shot(page, "verify-page")
    page.locator("input[name=password]").fill(CHOSEN)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/{lang}/account/profile/$"))
    assert User.objects.get(email=email).email_verified_at is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "confirmed")


@pytest.mark.parametrize("lang", LANGS)
def test_staff_member_signs_in_with_the_code_from_their_app(
    phone_page, shot, settings, lang
):
    page = phone_page
    organizer = UserFactory(role="organizer", email=f"org-{lang}@example.org")
    device = two_factor_setup_start(user=organizer)
    two_factor_enable(user=organizer, code=_code(device))
    device.refresh_from_db()

    _sign_in_form(page, lang, organizer.email, PASSWORD)
    expect(page).to_have_url(re.compile(rf"/{lang}/account/two-factor/verify/$"))
    shot(page, "code-step")
    # Without the code the admin stays shut.
    page.goto("/admin/")
    assert "/admin/login/" in page.url

    _sign_in_form(page, lang, organizer.email, PASSWORD)
    # The code used to turn the app on cannot be used again: the next one is (the
    # app's clock may run a step ahead).
    page.locator("input[name=code]").fill(_code(device, steps_ahead=1))
    page.locator("form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/two-factor/verify/"))
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    shot(page, "admin-open")


@pytest.mark.parametrize("lang", LANGS)
def test_admin_without_an_app_is_shown_how_to_set_one_up(
    phone_page, shot, settings, login, lang
):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin"]
    page = phone_page
    admin = UserFactory(role="admin", email=f"admin-{lang}@example.org")
    login(page, admin)

    page.goto(f"/{lang}/account/two-factor/setup/")
    expect(page.locator("main svg").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "setup")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/setup/$"))
