"""The admin walked in a Spanish browser: every page's visible text — what scripts
write included (calendar and clock pop-ups, filter widgets) — has no English
left, and no page breaks our CSP. The page list and word list are shared with
spanglish/tests/test_admin_spanish.py (spanglish/tests/admin_walk.py)."""

import pytest
from django.test import RequestFactory
from playwright.sync_api import expect

from e2e.conftest import csp_violations, new_page
from spanglish.tests.admin_walk import admin_pages, build_admin_objects, english_hits

pytestmark = pytest.mark.django_db(transaction=True)

# What a Spanish reader sees as interface: the body's rendered text, leaving out
# content marked as another language (an email previewed in English) and machine
# text (<pre> payloads, <code> ids) — as admin_walk.visible_text does.
VISIBLE_TEXT = """() => {
  document.querySelectorAll('[lang]:not([lang|="es"]), pre, code')
    .forEach((el) => { el.hidden = true; });
  return document.body.innerText;
}"""


def _text(page) -> str:
    return page.evaluate(VISIBLE_TEXT)


@pytest.fixture
def spanish_page(browser, live_server):
    context, page = new_page(browser, live_server, locale="es-ES")
    yield page
    context.close()


def test_the_whole_admin_reads_in_spanish_in_a_browser(
    spanish_page, admin_user, login, shot
):
    page = spanish_page
    objects = build_admin_objects(admin_user)
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    pages = admin_pages(request, objects)
    login(page, admin_user)
    found = {}
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        hits = english_hits(_text(page))
        if hits:
            found[url] = hits
    assert found == {}

    # What scripts draw: the date and time pop-ups and the permissions chooser.
    page.goto(f"/admin/events/event/{objects['event'].pk}/change/")
    page.locator(".datetimeshortcuts a").first.click()  # "Hoy"
    page.locator("#calendarlink0").click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    shot(page, "event-calendar-es")
    hits = english_hits(_text(page))
    assert hits == [], hits
    page.goto("/admin/auth/group/add/")
    expect(page.locator(".selector-available")).to_be_visible()
    assert english_hits(_text(page)) == []
    shot(page, "group-es")
    assert csp_violations(page) == [], page.csp_errors


def test_organizer_sees_spanish_lists_with_badges_on_a_phone(
    browser, live_server, organizer, login, shot, admin_user
):
    context = browser.new_context(
        base_url=live_server.url,
        locale="es-ES",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.base_url = live_server.url
    build_admin_objects(admin_user)
    login(page, organizer)
    page.goto("/admin/events/event/")
    expect(page.locator(".status-badge").first).to_be_visible()
    expect(page.locator("#changelist-filter")).to_contain_text("Próximos")
    shot(page, "events-phone-es")
    page.goto("/admin/payments/payment/")
    expect(page.locator(".field-amount_display").first).to_contain_text("15,00")
    shot(page, "payments-phone-es")
    assert english_hits(_text(page)) == []
    context.close()


def test_organizer_duplicates_an_event_in_spanish(
    spanish_page, organizer, admin_user, login, shot
):
    from events.models import Event, EventStatus

    page = spanish_page
    objects = build_admin_objects(admin_user)
    event = objects["event"]
    login(page, organizer)
    page.goto("/admin/events/event/")
    shot(page, "events-list-es")
    page.locator(f"input[name=_selected_action][value='{event.pk}']").check()
    page.locator("select[name=action]").select_option("duplicate_events")
    page.locator("button[name=index]").click()
    expect(page.locator("h1")).to_contain_text("Duplicar evento")
    expect(page.locator(".duplicate-event__original")).to_contain_text("15,00")
    page.locator("input[name=time]").fill("20:15")
    shot(page, "duplicate-form-es")
    assert english_hits(_text(page)) == []
    page.get_by_role("button", name="Duplicar como borrador").click()
    expect(page.locator(".messagelist .success")).to_contain_text("borrador")
    copy = Event.objects.exclude(pk=event.pk).get(title_es=event.title_es)
    assert copy.status == EventStatus.DRAFT
    expect(page).to_have_url(f"{page.base_url}/admin/events/event/{copy.pk}/change/")
    shot(page, "duplicate-done-es")
    assert csp_violations(page) == [], page.csp_errors


def test_admin_opens_the_technical_details_of_a_payment(page, admin_user, login, shot):
    objects = build_admin_objects(admin_user)
    login(page, admin_user)
    page.goto(f"/admin/payments/payment/{objects['payment'].pk}/change/")
    details = page.locator("details", has_text="Technical details")
    expect(details.locator("pre.admin-json")).to_be_hidden()
    details.locator("summary").click()
    expect(details.locator("pre.admin-json")).to_contain_text("pi_prueba_1")
    expect(page.locator(".status-badge").first).to_contain_text("Partially refunded")
    shot(page, "payment-technical-en")
    assert csp_violations(page) == [], page.csp_errors
