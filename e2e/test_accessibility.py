"""axe-core, run in the browser on every public page, the ticket page and the door, in
both languages at phone width: no serious or critical violation.

axe is vendored for the tests only (e2e/vendor/, never served) and evaluated through
the DevTools protocol, so the pages keep their CSP. Each page's findings (all impacts)
go to artifacts/accessibility/<lang>.json; the assertion names every serious or
critical one with the elements it hit.
"""

import json
import re
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from community.models import Role
from community.tests.factories import UserFactory
from e2e.conftest import PHONE
from events.services import series_create
from events.tests.factories import EventFactory
from tickets.links import ticket_manage_url
from tickets.models import PaymentMethod, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE_DIR = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1"
REPORTS = Path(__file__).resolve().parent.parent / "artifacts" / "accessibility"
BLOCKING = {"serious", "critical"}
# Pages this test also photographs (the legal pages have no other browser test).
SCREENSHOTS = {"privacy", "terms", "sign up"}

RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({
      target: n.target.join(' '),
      summary: n.failureSummary,
    })),
  }));
}
"""


def axe_violations(page) -> list[dict]:
    """axe's violations on the page as it stands (the page's own scripts have run)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate((AXE_DIR / "axe.min.js").read_text() + "\n;true")
    return page.evaluate(RUN_AXE)


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def site():
    """A free and a paid event, a weekly series with upcoming sessions, a volunteer."""
    free = EventFactory(
        title_en="Tapas night",
        title_es="Noche de tapas",
        slug="tapas-night",
        venue_name="Bar La Latina",
    )
    paid = EventFactory(
        title_en="Slang workshop",
        title_es="Taller de expresiones",
        slug="slang-workshop",
        price=Decimal("15.00"),
        capacity=12,
    )
    series = series_create(
        title_en="Tuesday exchange",
        title_es="Intercambio del martes",
        description_en="Practise Spanish and English over a drink.",
        description_es="Practica español e inglés tomando algo.",
        venue_name="Café Central",
        start_date=timezone.localdate() + timedelta(days=1),
        start_time=time(19, 0),
        count=4,
        capacity=30,
        currency="EUR",
    )
    volunteer = UserFactory(role=Role.VOLUNTEER, name="Carmen Door")
    guest = UserFactory(name="Ana Guest", email="ana@example.org")
    ticket = TicketFactory(event=free, user=guest)
    door_ticket = TicketFactory(
        event=paid,
        user=guest,
        payment_method=PaymentMethod.DOOR,
        status=TicketStatus.CONFIRMED,
    )
    unpaid = TicketFactory(
        event=paid,
        user=UserFactory(name="Pat Pending"),
        payment_method=PaymentMethod.ONLINE,
        status=TicketStatus.PENDING_PAYMENT,
        amount_due=paid.price,
        hold_expires_at=timezone.now() + timedelta(minutes=15),
    )
    return {
        "free": free,
        "paid": paid,
        "series": series,
        "volunteer": volunteer,
        "ticket": ticket,
        "door_ticket": door_ticket,
        "unpaid": unpaid,
    }


def _public_pages(lang: str, site: dict) -> list[tuple[str, str]]:
    free, paid, series = site["free"], site["paid"], site["series"]
    return [
        ("home", f"/{lang}/"),
        ("events", f"/{lang}/events/"),
        ("event (free)", f"/{lang}/events/{free.slug}/"),
        ("event (paid, booking form)", f"/{lang}/events/{paid.slug}/"),
        ("series list", f"/{lang}/series/"),
        ("series", f"/{lang}/series/{series.slug}/"),
        ("about", f"/{lang}/about/"),
        ("privacy", f"/{lang}/privacy/"),
        ("privacy: calendar buttons", f"/{lang}/privacy/calendar-buttons/"),
        ("terms", f"/{lang}/terms/"),
        ("sign in", f"/{lang}/account/login/"),
        ("sign up", f"/{lang}/account/signup/"),
        ("password reset", f"/{lang}/account/password/reset/"),
    ]


def _check(page, name: str, found: dict, everything: dict) -> None:
    violations = axe_violations(page)
    everything[name] = {"url": page.url, "violations": violations}
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    if blocking:
        found[name] = blocking


def _report(lang: str, everything: dict) -> None:
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{lang}.json").write_text(json.dumps(everything, indent=2))


def _describe(found: dict) -> str:
    lines = []
    for name, violations in found.items():
        for v in violations:
            lines.append(f"{name}: [{v['impact']}] {v['id']}: {v['help']}")
            lines.extend(f"    {n['target']}" for n in v["nodes"])
    return "\n".join(lines)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_public_pages_ticket_and_door_have_no_serious_axe_violations(
    browser, live_server, login, shot, site, lang
):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="es-ES" if lang == "es" else "en-GB",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    found: dict[str, list] = {}
    everything: dict[str, dict] = {}
    try:
        for name, path in _public_pages(lang, site):
            response = page.goto(path)
            assert response.status == 200, (path, response.status)
            expect(page.locator("html")).to_have_attribute("lang", lang)
            _check(page, name, found, everything)
            if name in SCREENSHOTS:
                shot(page, f"{name.replace(' ', '-')}-{lang}")

        # The booking form sent empty: the page that shows its errors.
        page.goto(f"/{lang}/events/{site['paid'].slug}/")
        page.locator("form.booking-form button[type=submit]").click()
        page.wait_for_load_state("load")
        _check(page, "booking form with errors", found, everything)

        # A guest books the free event: the "check your email" confirmation.
        page.goto(f"/{lang}/events/{site['free'].slug}/")
        form = page.locator("form.booking-form")
        form.locator("input[name=name]").fill("Bea Visitor")
        form.locator("input[name=email]").fill("bea@example.org")
        form.locator("button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text("bea@example.org")
        _check(page, "booking confirmation", found, everything)

        # The ticket pages, opened by the emailed link.
        for name, ticket in (
            ("ticket", site["ticket"]),
            ("ticket (pay at the door)", site["door_ticket"]),
            ("ticket (payment pending)", site["unpaid"]),
        ):
            with translation.override(lang):
                link = ticket_manage_url(ticket)
            page.goto(_path(link))
            expect(page).to_have_url(re.compile(rf"/{lang}/tickets/[0-9a-f-]{{36}}/$"))
            _check(page, name, found, everything)

        # The door, as a volunteer: the event list and one event's check-in page.
        page.context.clear_cookies()
        login(page, site["volunteer"])
        page.goto(f"/{lang}/tickets/door/")
        _check(page, "door", found, everything)
        page.goto(f"/{lang}/tickets/door/{site['free'].pk}/")
        _check(page, "door: check-in", found, everything)
    finally:
        _report(lang, everything)
        context.close()

    assert not found, "axe found serious or critical violations:\n" + _describe(found)
