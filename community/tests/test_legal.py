"""The privacy policy and the terms: public, in both languages, linked from every
page's footer and from sign-up, and stating this deployment's own periods, rules,
providers and operator — read from the settings that enforce them."""

import os
import re
from email.utils import parseaddr

import pytest

from community.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    "path", ["/en/privacy/", "/es/privacy/", "/en/terms/", "/es/terms/"]
)
def test_legal_pages_are_public_in_both_languages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert f'<html lang="{path[1:3]}">' in response.content.decode()
    assert client.post(path).status_code == 405


def test_privacy_policy_states_the_configured_retention_periods(client, settings):
    settings.AUDIT_IP_RETENTION_DAYS = 45
    settings.GUEST_DATA_RETENTION_DAYS = 400
    settings.EMAIL_LOG_RETENTION_DAYS = 180
    settings.BACKUP_KEEP_DAILY = 7
    settings.BACKUP_KEEP_WEEKLY = 6
    settings.SESSION_COOKIE_AGE = 3 * 86400
    page = text(client.get("/en/privacy/"))
    assert (
        "IP addresses in our security log and sign-in records 45 days, then erased"
        in page
    )
    assert "400 days after your last event or booking, then erased" in page
    assert "Copies of the emails we sent you 180 days, then deleted" in page
    assert "Backups of all of the above 42 days at most" in page
    assert "Your sign-in session 3 days at most" in page

    es = text(client.get("/es/privacy/"))
    assert "45 días" in es and "400 días" in es and "180 días" in es


def test_privacy_policy_says_so_when_a_period_is_off(client, settings):
    settings.GUEST_DATA_RETENTION_DAYS = 0
    settings.EMAIL_LOG_RETENTION_DAYS = 0
    page = text(client.get("/en/privacy/"))
    assert "until you ask us to delete them" in page
    assert "Copies of the emails we sent you until your data is erased" in page


def test_privacy_policy_names_the_operator_and_the_processors_in_use(client, settings):
    settings.SITE_OPERATOR_NAME = "Intercambio Madrid S.L."
    settings.SITE_OPERATOR_ADDRESS = "Calle Mayor 1, 28013 Madrid"
    settings.PRIVACY_CONTACT_EMAIL = "privacidad@example.org"
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.MERCADOPAGO_ACCESS_TOKEN = ""
    settings.MAILERS = {
        "default": {"BACKEND": "anymail.backends.postmark.EmailBackend"}
    }
    page = text(client.get("/en/privacy/"))
    assert "run by Intercambio Madrid S.L." in page
    assert "Calle Mayor 1, 28013 Madrid" in page
    assert "privacidad@example.org" in page
    assert "Stripe : card payments and refunds" in page
    assert "Postmark : delivering the emails we send you" in page
    assert "Mercado Pago" not in page
    assert "Paid events are paid at the door" not in page


def test_privacy_policy_without_payment_keys_says_payment_is_at_the_door(
    client, settings
):
    settings.STRIPE_SECRET_KEY = ""
    settings.MERCADOPAGO_ACCESS_TOKEN = ""
    page = text(client.get("/en/privacy/"))
    assert "Paid events are paid at the door" in page
    assert "Stripe" not in page


@pytest.mark.skipif(
    "SITE_CONTACT_EMAIL" in os.environ, reason="the environment sets its own"
)
def test_contact_addresses_default_to_the_address_emails_are_sent_from():
    from django.conf import settings

    assert parseaddr(settings.DEFAULT_FROM_EMAIL)[1] == settings.SITE_CONTACT_EMAIL
    assert "<" not in settings.SITE_CONTACT_EMAIL
    if "PRIVACY_CONTACT_EMAIL" not in os.environ:
        assert settings.PRIVACY_CONTACT_EMAIL == settings.SITE_CONTACT_EMAIL


def test_privacy_policy_links_the_self_service_rights_and_calendar_notice(client):
    html = client.get("/en/privacy/").content.decode()
    for href in (
        "/en/account/privacy/",  # download my data
        "/en/account/profile/",
        "/en/account/delete/",
        "/en/account/login/link/",
        "/en/privacy/calendar-buttons/",
        "/en/terms/",
    ):
        assert f'href="{href}"' in html, href
    tracking = client.get("/en/privacy/calendar-buttons/")
    assert "Your IP address." in text(tracking)


def test_terms_state_the_booking_rules_as_configured(client, settings):
    settings.TICKET_HOLD_MINUTES = 20
    settings.WAITLIST_OFFER_HOURS = 12
    settings.REFUND_CUTOFF_HOURS = 48
    settings.NO_SHOW_LIMIT = 2
    settings.NO_SHOW_WINDOW_DAYS = 90
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.MERCADOPAGO_ACCESS_TOKEN = "APP_USR-x"
    page = text(client.get("/en/terms/"))
    assert "your seat is held for 20 minutes while you pay" in page
    assert "the offer is open for 12 hours" in page
    assert "More than 48 hours before the start, we refund you in full" in page
    assert "From 2 no-shows within 90 days, you pay ahead" in page
    assert "You pay online through Stripe, Mercado Pago, or at the door" in page

    es = text(client.get("/es/terms/"))
    assert "48 horas" in es and "20 minutos" in es

    settings.NO_SHOW_LIMIT = 0
    settings.STRIPE_SECRET_KEY = settings.MERCADOPAGO_ACCESS_TOKEN = ""
    page = text(client.get("/en/terms/"))
    assert "no-show" not in page
    assert "You pay at the door, in cash." in page


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_page_footer_links_privacy_and_terms(client, lang):
    for path in (f"/{lang}/", f"/{lang}/events/", f"/{lang}/account/login/"):
        html = client.get(path).content.decode()
        footer = html[html.index('<footer class="site-footer') :]
        assert f'href="/{lang}/privacy/"' in footer, path
        assert f'href="/{lang}/terms/"' in footer, path
    client.force_login(UserFactory())
    footer = client.get(f"/{lang}/account/profile/").content.decode()
    assert f'href="/{lang}/terms/"' in footer


@pytest.mark.parametrize("lang", ["en", "es"])
def test_signup_links_terms_and_privacy_next_to_the_consent(client, lang):
    html = client.get(f"/{lang}/account/signup/").content.decode()
    form = html[html.index("<form") : html.index("</form>")]
    assert f'href="/{lang}/terms/"' in form
    assert f'href="/{lang}/privacy/"' in form
    assert form.index('name="marketing_consent"') < form.index(f'href="/{lang}/terms/"')
