"""A visitor browses events and switches language; public pages pass basic a11y checks."""

import pytest

from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_browse_and_switch_language(page, shot):
    event = EventFactory(title_es="Noche de tapas", title_en="Tapas night")
    page.goto("/")
    assert page.url.endswith("/en/")  # Accept-Language of an en-GB browser
    shot(page, "home-en")
    page.get_by_role("link", name="Events").first.click()
    page.get_by_role("link", name="Tapas night").click()
    assert page.locator("h1").inner_text() == "Tapas night"
    shot(page, "event-en")
    page.get_by_role("link", name="ES").click()
    assert page.url.endswith(f"/es/events/{event.slug}/")
    assert page.locator("h1").inner_text() == "Noche de tapas"
    assert page.locator("html").get_attribute("lang") == "es"
    shot(page, "event-es")


A11Y_SCRIPT = """
() => {
  const problems = [];
  document.querySelectorAll('img').forEach(img => {
    if (!img.hasAttribute('alt')) problems.push('img without alt: ' + img.src);
  });
  document.querySelectorAll('input, select, textarea').forEach(el => {
    if (['hidden', 'submit', 'button'].includes(el.type)) return;
    const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`))
      || el.closest('label') || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!labelled) problems.push('field without label: ' + (el.name || el.id));
  });
  if (!document.documentElement.getAttribute('lang')) problems.push('html without lang');
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push('h1 count ' + h1);
  return problems;
}
"""


@pytest.mark.parametrize("lang", ["es", "en"])
def test_public_pages_pass_basic_accessibility_checks(page, lang):
    event = EventFactory()
    for path in [
        f"/{lang}/",
        f"/{lang}/events/",
        f"/{lang}/events/{event.slug}/",
        f"/{lang}/about/",
        f"/{lang}/account/login/",
    ]:
        page.goto(path)
        assert page.evaluate(A11Y_SCRIPT) == [], path


def test_keyboard_focus_is_visible(page):
    EventFactory()
    page.goto("/en/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); "
        "return [s.outlineStyle, s.outlineWidth, document.activeElement.tagName]; }"
    )
    assert outline[0] != "none" and outline[1] != "0px", outline


def test_pages_raise_no_csp_violations(page):
    event = EventFactory()
    for path in ["/en/", f"/en/events/{event.slug}/", "/api/docs/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], (
        page.csp_errors
    )
