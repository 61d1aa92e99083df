"""Camera scanning at the door on browsers without BarcodeDetector (Safari on iPhone,
Firefox, Chrome on Linux): a ticket's QR held up to the phone checks the person in
with nobody typing, through the vendored JavaScript decoder; without a camera the page
says why and leaves the code box ready for typing."""

import base64
import json
import re
from pathlib import Path

import pytest
import segno
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from PIL import Image
from playwright.sync_api import expect

from e2e.conftest import CHROMIUM, PHONE, csp_violations
from events.tests.factories import EventFactory
from tickets.models import Ticket, TicketStatus, new_ticket_code
from tickets.qr import ticket_qr_png
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Chromium exposes BarcodeDetector on some platforms: take it away so the page has to
# use the fallback decoder, as Safari and Firefox do.
NO_BARCODE_DETECTOR = "delete window.BarcodeDetector;"


def qr_video(code: str, path: Path, *, frames: int = 10) -> Path:
    """A 640x480 YUV4MPEG2 video (2 s, looped by Chromium) of the ticket's QR on white,
    the way segno draws it for the ticket page (tickets/qr.py)."""
    qr = segno.make(code, error="m", micro=False)
    picture = Image.new("L", (640, 480), 255)
    side = qr.symbol_size(scale=1, border=0)[0]
    scale = 300 // side
    symbol = Image.new("L", (side, side), 255)
    for y, row in enumerate(qr.matrix):
        for x, dark in enumerate(row):
            if dark:
                symbol.putpixel((x, y), 0)
    symbol = symbol.resize((side * scale, side * scale), Image.Resampling.NEAREST)
    picture.paste(symbol, ((640 - symbol.width) // 2, (480 - symbol.height) // 2))
    y_plane, cb, cr = picture.convert("YCbCr").split()
    half = (320, 240)
    frame = (
        b"FRAME\n"
        + y_plane.tobytes()
        + cb.resize(half).tobytes()
        + cr.resize(half).tobytes()
    )
    path.write_bytes(b"YUV4MPEG2 W640 H480 F5:1 Ip A1:1 C420\n" + frame * frames)
    return path


@pytest.fixture
def camera_phone(browser, live_server, tmp_path):
    """camera_phone(lang, code=…) → a phone page whose rear camera films the QR of
    `code`; allowed=False: the camera exists but the browser refuses it to the page;
    host: the site is opened over plain http under that name, an insecure origin.

    A Chromium of its own (the fake camera is fixed at launch), from the same
    Playwright as the shared browser."""
    launched = []

    def open_phone(lang: str, *, code: str = "", allowed: bool = True, host=""):
        args = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
        base_url = live_server.url
        if host:  # a plain-http name other than localhost: not a secure context
            args.append(f"--host-resolver-rules=MAP {host} 127.0.0.1")
            base_url = live_server.url.replace("localhost", host)
        args.append("--use-fake-device-for-media-stream")
        if code:
            video = qr_video(code, tmp_path / "ticket-qr.y4m")
            args.append(f"--use-file-for-fake-video-capture={video}")
        if allowed:
            args.append("--use-fake-ui-for-media-stream")
        camera_browser = browser.browser_type.launch(
            executable_path=CHROMIUM, headless=True, args=args
        )
        launched.append(camera_browser)
        context = camera_browser.new_context(
            base_url=base_url,
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            locale="es-ES" if lang == "es" else "en-GB",
            permissions=["camera"] if allowed else [],
        )
        context.add_init_script(NO_BARCODE_DETECTOR)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = base_url
        page.csp_errors = errors = []
        page.on(
            "console",
            lambda msg: errors.append(msg.text) if msg.type == "error" else None,
        )
        return page

    yield open_phone
    for camera_browser in launched:
        camera_browser.close()


def door_url(event, lang: str) -> str:
    with translation.override(lang):
        return reverse("tickets:door-event", kwargs={"event_id": event.pk})


def scanner_label(page, name: str) -> str:
    """The message the template rendered (translated) for scanner.js to show."""
    return page.locator("#door-scanner").get_attribute(f"data-{name}-label")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_ticket_qr_shown_to_the_camera_checks_the_person_in_without_typing(
    camera_phone, volunteer, login, shot, lang
):
    event = EventFactory(title_en="Language exchange", title_es="Intercambio")
    ticket = TicketFactory(event=event, attendee_name="Lucía Fernández")
    page = camera_phone(lang, code=ticket.code)
    login(page, volunteer)
    page.goto(door_url(event, lang))
    assert page.evaluate("'BarcodeDetector' in window") is False
    shot(page, "door")

    page.locator("#door-scan-button").click()
    result = page.locator("#door-result")
    expect(result).to_have_class(re.compile("door-result-ok"))
    expect(result).to_contain_text("Lucía Fernández")
    expect(page.locator("#count-checked-in")).to_have_text("1")
    expect(page.locator("#door-video")).to_be_visible()
    assert page.locator("#door-code-form input[name=code]").input_value() == ""
    # The decoder came from our own origin, without eval or blob: workers.
    assert page.evaluate("typeof window.jsQR") == "function"
    assert csp_violations(page) == []
    shot(page, "scanned")

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CHECKED_IN
    assert ticket.checked_in_by == volunteer

    # The same QR stays in view: it is not sent again (no red "already checked in").
    page.wait_for_timeout(1500)
    expect(result).to_have_class(re.compile("door-result-ok"))

    # The scanner and its decoder are kept on the phone for nights without a network.
    worker = page.request.get("/door-sw.js").text()
    assets = json.loads(re.search(r"var ASSETS = (\[.*\]);", worker).group(1))
    assert static("door/scanner.js") in assets
    assert page.locator("#door-scanner").get_attribute("data-decoder-url") in assets


@pytest.mark.parametrize("lang", ["es", "en"])
def test_camera_permission_refused_says_so_and_keeps_the_code_box_ready(
    camera_phone, volunteer, login, shot, lang
):
    page = camera_phone(lang, allowed=False)
    event = EventFactory()
    login(page, volunteer)
    page.goto(door_url(event, lang))

    page.locator("#door-scan-button").click()
    status = page.locator("#door-camera-status")
    expect(status).to_have_text(scanner_label(page, "denied"))
    if lang == "en":
        expect(status).to_contain_text("The camera is blocked")
    expect(page.locator("#door-code-form input[name=code]")).to_be_focused()
    expect(page.locator("#door-video")).to_be_hidden()
    shot(page, "camera-refused")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_phone_without_a_camera_says_so_and_keeps_the_code_box_ready(
    phone_page, volunteer, login, shot, lang
):
    page = phone_page
    page.context.grant_permissions(["camera"])
    event = EventFactory()
    login(page, volunteer)
    page.goto(door_url(event, lang))

    page.locator("#door-scan-button").click()
    status = page.locator("#door-camera-status")
    expect(status).to_have_text(scanner_label(page, "none"))
    if lang == "en":
        expect(status).to_have_text(
            "No camera found on this device. Type the code instead."
        )
    expect(page.locator("#door-code-form input[name=code]")).to_be_focused()
    expect(page.locator("#door-torch-button")).to_be_hidden()
    assert csp_violations(page) == []
    shot(page, "no-camera")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_camera_on_an_insecure_origin_says_so_and_keeps_the_code_box_ready(
    camera_phone, volunteer, login, shot, settings, lang
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "door.test"]
    page = camera_phone(lang, host="door.test")
    event = EventFactory()
    login(page, volunteer)
    page.goto(door_url(event, lang))
    assert page.evaluate("window.isSecureContext") is False

    status = page.locator("#door-camera-status")
    expect(status).to_have_text(scanner_label(page, "insecure"))
    if lang == "en":
        expect(status).to_contain_text("secure (https) connection")
    expect(page.locator("#door-scan-button")).to_be_hidden()
    expect(page.locator("#door-code-form input[name=code]")).to_be_focused()
    shot(page, "insecure-origin")


# Codes whose QR @zxing/browser 0.2.1, the decoder used before, could not read at any size
# or position (about 2 in 100 tickets: zxing-js/library issue 653).
ZXING_MISSED = [
    "L8DPC6AZSTY9",
    "GDWE6KGY5FPZ",
    "PSLAZF9EUVJ3",
    "EXPDGEGC9BGJ",
    "PE3YBD6FZXGU",
    "2V56ZGDU5TGG",
    "8DWAW8FNBMY4",
]


def test_the_phone_decoder_reads_every_ticket_qr(page):
    """Every ticket must scan at the door on an iPhone: the vendored decoder, loaded from
    our origin as scanner.js loads it, reads the QR of the confirmation email (the ticket
    page draws the same symbol) for a batch of new codes and for the ones the previous
    decoder missed."""
    page.goto("/")
    page.add_script_tag(url=page.base_url + static("door/vendor/jsqr-1.4.0/jsQR.js"))
    codes = ZXING_MISSED + [new_ticket_code() for _ in range(150)]
    unread = []
    for code in codes:
        png = base64.b64encode(ticket_qr_png(Ticket(code=code))).decode()
        read = page.evaluate(
            """async (png) => {
                const img = new Image();
                img.src = "data:image/png;base64," + png;
                await img.decode();
                const canvas = document.createElement("canvas");
                canvas.width = img.width;
                canvas.height = img.height;
                const ctx = canvas.getContext("2d", { willReadFrequently: true });
                ctx.drawImage(img, 0, 0);
                const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
                const found = window.jsQR(frame.data, frame.width, frame.height,
                                          { inversionAttempts: "dontInvert" });
                return found ? found.data : null;
            }""",
            png,
        )
        if read != code:
            unread.append((code, read))
    assert unread == []
