"""Organizers in Django admin: export the attendee list; admin works under our CSP."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from e2e.conftest import csp_violations
from events.tests.factories import EventFactory
from tickets.models import PaymentMethod, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = [
    "Name",
    "Email",
    "Phone",
    "Status",
    "Amount paid",
    "Payment method",
    "Checked in at",
    "Ticket code",
]


@pytest.fixture
def event_with_attendees():
    event = EventFactory(title_en="Board games night", slug="board-games")
    TicketFactory(event=event, attendee_name="Ana Uno", attendee_email="ana@x.org")
    TicketFactory(
        event=event,
        attendee_name="Bruno Dos",
        attendee_email="bruno@x.org",
        payment_method=PaymentMethod.DOOR,
    )
    TicketFactory(
        event=event,
        attendee_name="Carmen Tres",
        attendee_email="carmen@x.org",
        status=TicketStatus.CANCELLED,
    )
    TicketFactory(attendee_name="Someone Else")  # another event: not in the list
    return event


def expected_rows(event):
    return [
        [t.attendee_name, t.attendee_email, t.status, t.code]
        for t in event.tickets.order_by("attendee_name")
    ]


def test_organizer_exports_the_attendee_list_from_admin(
    page, organizer, login, shot, event_with_attendees
):
    event = event_with_attendees
    login(page, organizer)
    page.goto(f"/admin/events/event/{event.pk}/change/")
    expect(page.locator(".object-tools")).to_be_visible()
    shot(page, "event-change")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export attendees (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "attendees-board-games.csv"
    text = download.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == ["Ana Uno", "Bruno Dos", "Carmen Tres"]
    assert [r[1] for r in rows[1:]] == ["ana@x.org", "bruno@x.org", "carmen@x.org"]
    assert [r[3] for r in rows[1:]] == ["Confirmed", "Confirmed", "Cancelled"]
    assert {r[7] for r in rows[1:]} == set(event.tickets.values_list("code", flat=True))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export attendees (Excel)").click()
    download = download_info.value
    assert download.suggested_filename == "attendees-board-games.xlsx"
    sheet = load_workbook(io.BytesIO(download.path().read_bytes())).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == HEADER
    assert [(r[0], r[1], r[5]) for r in cells[1:]] == [
        ("Ana Uno", "ana@x.org", "Free"),
        ("Bruno Dos", "bruno@x.org", "Pay at the door"),
        ("Carmen Tres", "carmen@x.org", "Free"),
    ]


def test_organizer_exports_with_the_admin_action(
    page, organizer, login, event_with_attendees
):
    event = event_with_attendees
    login(page, organizer)
    page.goto("/admin/events/event/")
    page.locator(f"input[name=_selected_action][value='{event.pk}']").check()
    page.locator("select[name=action]").select_option("export_attendees_csv")
    with page.expect_download() as download_info:
        page.locator("button[name=index]").click()
    text = download_info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == ["Ana Uno", "Bruno Dos", "Carmen Tres"]


def test_admin_signs_in_and_edits_an_event_without_csp_violations(
    page, admin_user, shot
):
    event = EventFactory(title_en="Old title", capacity=20)
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.locator("input[name=username]").fill(admin_user.email)
    page.locator("input[name=password]").fill("correct-horse-battery")
    shot(page, "login")
    page.locator("input[type=submit], button[type=submit]").first.click()
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.locator("#user-tools")).to_contain_text("Log out")
    shot(page, "index")

    page.goto(f"/admin/events/event/{event.pk}/change/")
    page.wait_for_load_state("networkidle")
    shot(page, "change-form")
    page.locator("input[name=title_en]").fill("New title")
    page.locator("input[name=capacity]").fill("25")
    page.locator("input[name=_save]").click()

    expect(page).to_have_url(re.compile(r"/admin/events/event/$"))
    expect(page.locator(".messagelist .success")).to_contain_text("New title")
    page.wait_for_load_state("networkidle")
    shot(page, "saved")
    event.refresh_from_db()
    assert (event.title_en, event.capacity) == ("New title", 25)
    assert csp_violations(page) == []


def test_admin_pages_raise_no_csp_violations(page, admin_user, login):
    """Every changelist linked from the admin index, plus the event add and change
    forms (widgets, inlines, custom panels), opened with scripts running."""
    event = EventFactory()
    TicketFactory(event=event)
    login(page, admin_user)
    page.goto("/admin/")
    links = page.locator("#content-main a[href^='/admin/']").evaluate_all(
        "els => [...new Set(els.map(e => e.getAttribute('href')))]"
    )
    assert len(links) > 10, links  # a broken index would pass vacuously
    visited = []
    changelists = [href for href in links if not href.endswith("/add/")]
    for href in [
        *changelists,
        "/admin/events/event/add/",
        f"/admin/events/event/{event.pk}/change/",
    ]:
        response = page.goto(href)
        assert response.status < 500, href
        visited.append(href)
    # The date widgets build their popups with script: open one.
    page.locator(".datetimeshortcuts a").first.click()
    assert csp_violations(page) == [], visited
