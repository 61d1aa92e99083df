"""The event page, cards, sharing and the embeddable widget as a visitor sees them, on
a phone (390 px) and a laptop, in Spanish and English. Screenshots of each go to
artifacts/screenshots/ (test_event_page_screenshots)."""

import io
import random
import threading
from datetime import time, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter, ImageOps
from playwright.sync_api import expect

from calendars.embed import WIDGET_WIDTH, event_widget_height, iframe_html
from e2e.conftest import new_page
from events.models import EventStatus, SeriesFrequency
from events.services import event_image_upload, series_create
from events.tests.factories import EventFactory
from events.tests.share_tags import share_tags
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _photo() -> bytes:
    """A warm, blurred "evening at a bar" picture (bokeh), for a banner."""
    rng = random.Random(7)  # noqa: S311 — a picture, not a secret
    width, height = 1600, 800
    shade = Image.linear_gradient("L").resize((width, height))
    image = ImageOps.colorize(shade, (44, 26, 40), (122, 74, 58))
    draw = ImageDraw.Draw(image)
    for _ in range(90):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(20, 90)
        colour = rng.choice([(255, 190, 90), (255, 140, 60), (250, 220, 150)])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(18))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _with_banner(event, user=None):
    file = SimpleUploadedFile("bar.jpg", _photo(), content_type="image/jpeg")
    event_image_upload(
        file=file,
        event=event,
        role="banner",
        uploaded_by=user,
        alt_en="People talking at a bar",
        alt_es="Gente charlando en un bar",
    )
    event.refresh_from_db()
    return event


def _serve_uploads(page):
    """live_server serves static files, not uploads: the browser gets them here."""
    root = Path(django_settings.MEDIA_ROOT)

    def fulfil(route):
        name = route.request.url.split(django_settings.MEDIA_URL, 1)[1].split("?")[0]
        path = (root / name).resolve()
        if root.resolve() not in path.parents or not path.exists():
            route.fulfill(status=404)
            return
        kind = "image/webp" if path.suffix == ".webp" else "image/jpeg"
        route.fulfill(status=200, body=path.read_bytes(), content_type=kind)

    page.route(f"**{django_settings.MEDIA_URL}**", fulfil)


def _open(browser, live_server, *, viewport, lang, tz="Europe/Madrid", **extra):
    locale = "es-ES" if lang == "es" else "en-GB"
    context, page = new_page(
        browser, live_server, viewport=viewport, locale=locale, timezone_id=tz, **extra
    )
    _serve_uploads(page)
    return context, page


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def make(**kwargs):
        context, page = _open(browser, live_server, **kwargs)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def _paid_event(**fields):
    start = timezone.localtime() + timedelta(days=4)
    start = start.replace(hour=19, minute=0, second=0, microsecond=0)
    return EventFactory(
        **{
            "title_es": "Intercambio en la terraza",
            "title_en": "Terrace language exchange",
            "description_es": "Una tarde para hablar español e inglés en la terraza "
            "del Café Central. Mesas mezcladas por nivel; la primera bebida va "
            "incluida.\n\nTrae curiosidad: el resto lo ponemos nosotros.",
            "description_en": "An evening of Spanish and English on the terrace of "
            "Café Central. Tables mixed by level; your first drink is included."
            "\n\nBring your curiosity: we bring the rest.",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "price": Decimal("15.00"),
            "currency": "EUR",
            "capacity": 30,
            "venue_name": "Café Central",
            "venue_address": "Plaza del Ángel 10, Madrid",
            **fields,
        }
    )


def _visible_primary_buttons(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('main .button')]
          .filter(b => !b.matches('.button-quiet, .button-secondary'))
          .filter(b => b.offsetParent !== null)
          .map(b => b.textContent.trim())"""
    )


@pytest.mark.parametrize("lang", ["es", "en"])
def test_event_page_has_one_primary_action_and_no_calendar_buttons(open_page, lang):
    event = _paid_event()
    page = open_page(viewport=PHONE, lang=lang, is_mobile=True, has_touch=True)
    page.goto(f"/{lang}/events/{event.slug}/")
    primary = _visible_primary_buttons(page)
    assert len(primary) == 1, primary
    # The booking form's wording is the tickets pages' ("Conseguir"/"Consigue").
    want = "una entrada" if lang == "es" else "Get a ticket"
    assert want in primary[0]
    assert ("15,00\xa0€" if lang == "es" else "€15.00") in primary[0]
    assert page.locator(f"a[href*='/track/{event.public_id}/']").count() == 0
    # The date, the time and the place are readable without scrolling on a phone.
    for text in ("19:00", "Café Central"):
        box = page.get_by_text(text, exact=False).first.bounding_box()
        assert box and box["y"] + box["height"] <= PHONE["height"], text
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


def test_calendar_links_absent_on_past_events(open_page, member, login):
    start = timezone.now() - timedelta(days=3)
    past = EventFactory(
        starts_at=start, ends_at=start + timedelta(hours=2), status="completed"
    )
    ticket = TicketFactory(event=past, user=member)
    upcoming = TicketFactory(event=EventFactory(), user=member)
    page = open_page(viewport=DESKTOP, lang="en")
    login(page, member)

    page.goto(f"/en/events/{past.slug}/")
    expect(page.locator("main")).to_contain_text("already taken place")
    assert page.locator("a[href*='/track/']").count() == 0
    page.goto(ticket.get_absolute_url())
    assert page.locator(".add-to-calendar, a[href*='/track/']").count() == 0

    # An event still to come: the calendar links wait, folded, on the ticket page.
    page.goto(upcoming.get_absolute_url())
    folded = page.locator("details.add-to-calendar")
    expect(folded).to_have_count(1)
    google = folded.locator("a[href*='/google']")
    expect(google).to_be_hidden()
    folded.locator("summary").click()
    expect(google).to_be_visible()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_share_tags_are_in_the_pages_html(open_page, live_server, settings, lang):
    settings.SITE_URL = live_server.url
    event = _paid_event()
    series = series_create(
        title_en="Tuesday exchange",
        title_es="Intercambio del martes",
        start_date=timezone.localdate() + timedelta(days=1),
        start_time=time(19, 0),
        frequency=SeriesFrequency.WEEKLY,
        count=4,
    )
    page = open_page(viewport=DESKTOP, lang=lang)
    locale, other = ("es_ES", "en_GB") if lang == "es" else ("en_GB", "es_ES")
    titles = {
        f"/{lang}/": "Intercambio de idiomas Spanglish"
        if lang == "es"
        else "Spanglish language exchange",
        f"/{lang}/events/{event.slug}/": event.title_es
        if lang == "es"
        else event.title_en,
        f"/{lang}/series/{series.slug}/": series.title_es
        if lang == "es"
        else series.title_en,
    }
    for path, title in titles.items():
        page.goto(path)
        tags = share_tags(page.content())
        assert tags["og:title"] == title, path
        assert tags["og:url"] == live_server.url + path, path
        assert tags["og:locale"] == locale and tags["og:locale:alternate"] == [other]
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["og:description"], path
        # The picture a preview shows is a real PNG a crawler can fetch.
        image = page.request.get(tags["og:image"])
        assert image.status == 200, path
        assert image.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(image.body())).size == (1200, 630)


def test_share_button_copies_the_link_where_there_is_no_share_sheet(
    open_page, live_server, settings
):
    settings.SITE_URL = live_server.url
    event = _paid_event()
    page = open_page(
        viewport=DESKTOP, lang="es", permissions=["clipboard-read", "clipboard-write"]
    )
    page.add_init_script("delete Navigator.prototype.share;")
    page.goto(f"/es/events/{event.slug}/")
    button = page.get_by_role("button", name="Compartir")
    button.click()
    expect(page.locator(".share-status")).to_have_text("Enlace copiado")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server.url}/es/events/{event.slug}/"


def test_share_button_opens_the_phones_share_sheet(open_page):
    event = _paid_event()
    page = open_page(viewport=PHONE, lang="en", is_mobile=True, has_touch=True)
    page.add_init_script(
        "navigator.share = (data) => { window.shared = data; return Promise.resolve(); };"
    )
    page.goto(f"/en/events/{event.slug}/")
    page.get_by_role("button", name="Share").click()
    shared = page.evaluate("window.shared")
    assert shared["title"] == "Terrace language exchange"
    assert shared["url"].endswith(f"/en/events/{event.slug}/")


@pytest.mark.parametrize(
    ("tz", "shown"), [("America/New_York", True), ("Europe/Madrid", False)]
)
def test_time_zone_named_as_a_city_only_for_visitors_elsewhere(open_page, tz, shown):
    event = _paid_event()
    page = open_page(viewport=DESKTOP, lang="es", tz=tz)
    page.goto(f"/es/events/{event.slug}/")
    note = page.locator(".tz-note")
    if shown:
        expect(note).to_be_visible()
        expect(note).to_contain_text("hora de Madrid")
        expect(note).to_contain_text("tu hora")
    else:
        expect(note).to_be_hidden()
    assert "Europe/Madrid" not in page.locator("body").inner_text()


@pytest.fixture
def partner_site():
    """A partner's web site on its own local origin (a real server: Chromium lets a
    page frame a local server only from another local address, and CSP
    frame-ancestors never matches about:blank). partner_site.html is what it serves."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = server.html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    server.html = ""
    server.url = f"http://127.0.0.1:{server.server_port}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _widget_host(page, partner_site, event, *, lang: str) -> None:
    """The partner's page with the embed code pasted as the admin gives it, the
    widget asked for in `lang`."""
    snippet = iframe_html(event).replace('" title=', f'?lang={lang}" title=', 1)
    partner_site.html = (
        "<!doctype html><html><head><meta name='viewport' "
        "content='width=device-width, initial-scale=1'></head>"
        "<body style='margin:0;padding:16px;background:#eef1f5;font:16px system-ui'>"
        f"<p>Partner site · Sitio amigo</p>{snippet}</body></html>"
    )
    page.goto(partner_site.url)


WIDGET_FIT = """(frame) => {
  const doc = frame.ownerDocument, win = doc.defaultView;
  const problems = [];
  const vw = win.innerWidth, vh = win.innerHeight;
  if (doc.documentElement.scrollHeight > vh) problems.push('scrolls: ' + doc.documentElement.scrollHeight + ' > ' + vh);
  for (const el of doc.querySelectorAll('.sw-button, .sw-cal, .sw-badge, .sw-title')) {
    const r = el.getBoundingClientRect();
    if (r.left < 0 || r.top < 0 || r.right > vw + 0.5 || r.bottom > vh + 0.5)
      problems.push('outside: ' + el.className + ' ' + JSON.stringify(r));
  }
  for (const el of doc.querySelectorAll('.sw-button, .sw-badge')) {
    if (el.scrollWidth > el.clientWidth + 1) problems.push('cut: ' + el.textContent.trim());
  }
  return problems;
}"""


@pytest.mark.parametrize("lang", ["es", "en"])
def test_widget_fits_its_default_iframe(
    open_page, live_server, settings, partner_site, lang
):
    settings.SITE_URL = live_server.url
    event = _paid_event(
        title_es="Intercambio de idiomas en la terraza del Café Central con tapas",
        title_en="Language exchange on the terrace of Café Central, with tapas",
        venue_address="Plaza del Ángel 10, 28012 Madrid, junto a la Plaza de Santa Ana",
    )
    page = open_page(viewport=DESKTOP, lang=lang)
    _widget_host(page, partner_site, event, lang=lang)
    box = page.locator("iframe").bounding_box()
    assert (box["width"], box["height"]) == (WIDGET_WIDTH, event_widget_height(event))
    frame = page.frame_locator("iframe")
    ticket = frame.locator(".sw-ticket")
    want = "Consigue una entrada" if lang == "es" else "Get a ticket"
    expect(ticket).to_have_text(want)
    expect(frame.locator(".sw-price")).to_contain_text(
        "15,00\xa0€" if lang == "es" else "€15.00"
    )
    expect(frame.locator(".sw-price")).to_contain_text(
        "Quedan 30 plazas" if lang == "es" else "30 seats left"
    )
    problems = frame.locator("main").evaluate(WIDGET_FIT)
    assert problems == [], problems


@pytest.mark.parametrize("lang", ["es", "en"])
def test_event_page_screenshots(
    open_page, live_server, settings, organizer, partner_site, shot, lang
):
    settings.SITE_URL = live_server.url
    featured = _with_banner(_paid_event(), organizer)
    TicketFactory.create_batch(8, event=featured)
    later = timezone.localtime() + timedelta(days=9)
    EventFactory(
        title_es="Taller de pronunciación",
        title_en="Pronunciation workshop",
        starts_at=later.replace(hour=18, minute=30),
        ends_at=later.replace(hour=20, minute=0),
        price=Decimal("8.50"),
        venue_name="Biblioteca Eugenio Trías",
    )
    series_create(
        title_en="Tuesday exchange",
        title_es="Intercambio del martes",
        description_en="Practise Spanish and English over a drink, every week.",
        description_es="Practica español e inglés tomando algo, cada semana.",
        venue_name="La Latina Social Club",
        venue_address="Calle de la Cava Baja 22, Madrid",
        start_date=timezone.localdate() + timedelta(days=1),
        start_time=time(19, 30),
        frequency=SeriesFrequency.WEEKLY,
        count=6,
        capacity=24,
    )
    plain = _paid_event(
        slug="tapas-night",
        title_es="Noche de tapas y charla",
        title_en="Tapas and chat night",
        price=Decimal("0"),
        status=EventStatus.PUBLISHED,
    )
    for name, viewport, extra in (
        ("phone", PHONE, {"is_mobile": True, "has_touch": True}),
        ("desktop", DESKTOP, {}),
    ):
        page = open_page(viewport=viewport, lang=lang, **extra)
        page.goto(f"/{lang}/")
        page.wait_for_load_state("networkidle")
        shot(page, f"home-{name}")
        page.goto(f"/{lang}/events/{featured.slug}/")
        page.wait_for_load_state("networkidle")
        shot(page, f"event-banner-{name}")
        page.goto(f"/{lang}/events/{plain.slug}/")
        shot(page, f"event-drawn-{name}")
        page.goto(f"/{lang}/series/")
        shot(page, f"series-list-{name}")
        page.locator(".card-link").first.click()
        page.wait_for_load_state("networkidle")
        shot(page, f"series-{name}")
        assert not [e for e in page.csp_errors if "Content Security Policy" in e]
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        widget = open_page(viewport=viewport, lang=lang)
        _widget_host(widget, partner_site, featured, lang=lang)
        widget.frame_locator("iframe").locator(".sw-ticket").wait_for()
        widget.wait_for_load_state("networkidle")
        shot(widget, f"widget-{name}")
