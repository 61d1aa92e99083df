"""The organizer's back office in a real browser: the dashboard (the admin's
index) shows what the test made, on a desktop and a phone, in both languages;
a sales report downloaded from the report page adds up to the payments made,
refunds subtracted."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from backoffice.tests.helpers import at, cash_paid, online_paid, refund
from community.tests.factories import UserFactory
from e2e.conftest import csp_violations
from events.tests.factories import EventFactory
from payments.models import Payment, PaymentStatus, Provider, Refund
from tickets.models import PaymentMethod, Side, TicketStatus, WaitingListEntry
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def _tonight_with_sales(organizer):
    """Split 6 + 6 of 16; five sold online (one refunded), two checked in, one
    hold waiting for its payment, three people waiting."""
    now = timezone.now()
    event = EventFactory(
        title_en="Tuesday exchange",
        title_es="Intercambio del martes",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=2),
        price=D("12.50"),
        currency="EUR",
        capacity=16,
        seats_es_native=6,
        seats_en_native=6,
    )
    payments = []
    # Sales dated from the event's start, not from now: the chart ends on the
    # event's day, which is yesterday for an event that began before midnight.
    for day, side in enumerate([Side.ES, Side.ES, Side.EN, Side.EN, Side.EN]):
        payment = online_paid(
            event, "12.50", when=event.starts_at - timedelta(days=5 - day)
        )
        ticket = event.tickets.get(pk=payment.payable_id)
        ticket.side = side
        ticket.save(update_fields=["side"])
        payments.append(payment)
    refund(payments[0], "12.50", actor=organizer)
    for payment in payments[1:3]:
        ticket = event.tickets.get(pk=payment.payable_id)
        ticket.status = TicketStatus.CHECKED_IN
        ticket.checkin_at = now
        ticket.save(update_fields=["status", "checkin_at"])
    held = TicketFactory(
        event=event,
        status=TicketStatus.PENDING_PAYMENT,
        payment_method=PaymentMethod.ONLINE,
        side=Side.ES,
        hold_expires_at=now + timedelta(minutes=10),
    )
    Payment.objects.create(
        payable_kind="ticket",
        payable_id=str(held.pk),
        event_id=event.pk,
        provider=Provider.STRIPE,
        amount=D("12.50"),
        currency="EUR",
        status=PaymentStatus.PENDING,
    )
    for _ in range(3):
        user = UserFactory()
        WaitingListEntry.objects.create(event=event, user=user, email=user.email)
    return event


def _check_card(page, event, *, revenue, language):
    card = page.locator(f".bo-card[data-event='{event.pk}']")
    expect(card).to_be_visible()
    title = event.title_es if language == "es" else event.title_en
    expect(card.locator("h3")).to_have_text(title)
    expect(card.locator(".bo-sold strong")).to_have_text("4")
    expect(card.locator(".bo-sold")).to_contain_text("/ 16")
    expect(card.locator(".bo-checkins strong")).to_have_text("2")
    expect(card.locator(".bo-waiting strong")).to_have_text("3")
    expect(card.locator(".bo-pending strong")).to_have_text("1")
    expect(card.locator(".bo-revenue strong")).to_have_text(revenue)
    # Seats held per side: ES 1 sold + 1 hold, EN 3 sold.
    expect(card.locator(".bo-side-es strong")).to_have_text("2")
    expect(card.locator(".bo-side-en strong")).to_have_text("3")
    # A bar a day from the first sale still standing (the refunded one is gone)
    # to the event's day.
    expect(card.locator("svg.bo-chart rect")).to_have_count(5)
    return card


@pytest.mark.parametrize("language", ["en", "es"])
def test_dashboard_shows_tonight_as_the_test_made_it(
    page, phone_page, organizer, login, shot, language
):
    event = _tonight_with_sales(organizer)
    EventFactory(
        title_en="Board games",
        title_es="Juegos de mesa",
        starts_at=timezone.now() + timedelta(days=4),
    )
    revenue = "€50.00" if language == "en" else "50,00\xa0€"

    for device, tab in (("desktop", page), ("phone", phone_page)):
        login(tab, organizer)
        # The admin has no language in its address: the language cookie picks it.
        tab.context.add_cookies(
            [{"name": "django_language", "value": language, "url": tab.base_url}]
        )
        tab.goto("/admin/")
        card = _check_card(tab, event, revenue=revenue, language=language)
        upcoming = tab.locator("#bo-upcoming + .bo-cards .bo-card")
        expect(upcoming).to_have_count(1)
        tab.wait_for_load_state("networkidle")
        shot(tab, f"dashboard-{device}")
        if device == "phone":
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (
                f"the dashboard scrolls sideways on a phone ({width}px)"
            )
        assert csp_violations(tab) == []

    # Straight to the door from the card.
    card.get_by_role("link", name="Puerta" if language == "es" else "Door").click()
    expect(phone_page).to_have_url(
        f"{phone_page.base_url}/{language}/tickets/door/{event.pk}/"
    )


def _expected_net(since, until):
    paid = sum(
        p.amount
        for p in Payment.objects.filter(
            status__in=[
                PaymentStatus.SUCCEEDED,
                PaymentStatus.PARTIALLY_REFUNDED,
                PaymentStatus.REFUNDED,
            ],
            created_at__gte=since,
            created_at__lt=until,
        )
    )
    refunded = sum(
        r.amount
        for r in Refund.objects.filter(
            status="succeeded", created_at__gte=since, created_at__lt=until
        )
    )
    return paid, refunded


def test_sales_report_downloaded_adds_up_to_the_payments(
    page, phone_page, organizer, volunteer, login, shot
):
    salsa = EventFactory(title_en="Salsa night", price=D("15.00"), currency="EUR")
    quiz = EventFactory(title_en="Quiz", price=D("8.00"), currency="EUR")
    first = online_paid(salsa, "15.00", when=at(2026, 5, 4, 19))
    online_paid(salsa, "15.00", when=at(2026, 5, 5, 10))
    online_paid(
        salsa,
        "15.00",
        provider=Provider.MERCADOPAGO,
        when=at(2026, 5, 6),
        fees=["0.75"],
    )
    cash = cash_paid(quiz, "8.00", actor=volunteer, when=at(2026, 5, 7, 21))
    cash_paid(quiz, "8.00", actor=volunteer, when=at(2026, 5, 7, 21))
    refund(first, "15.00", actor=organizer, when=at(2026, 5, 20))
    refund(cash, "3.00", actor=organizer, when=at(2026, 5, 21))
    online_paid(salsa, "15.00", when=at(2026, 6, 2))  # after the period
    refund(
        Payment.objects.get(provider=Provider.MERCADOPAGO),
        "5.00",
        actor=organizer,
        when=at(2026, 6, 3),
    )
    paid, refunded = _expected_net(at(2026, 5, 1, 0), at(2026, 6, 1, 0))
    assert (paid, refunded) == (D("61.00"), D("18.00"))

    login(page, organizer)
    page.goto("/admin/")
    page.get_by_role("link", name="Reports").first.click()
    form = page.locator("#report-sales form")
    form.locator("input[name=start]").fill("2026-05-01")
    form.locator("input[name=end]").fill("2026-05-31")
    shot(page, "reports")

    form.locator("select[name=format]").select_option("csv")
    with page.expect_download() as download:
        form.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "sales-2026-05-01-2026-05-31.csv"
    text = download.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    total = next(
        r for r in rows if r["Line"] == "Total" and r["Provider"] == "All providers"
    )
    assert (D(total["Gross"]), D(total["Refunds"]), D(total["Net"])) == (
        paid,
        refunded,
        paid - refunded,
    )
    sales = [r for r in rows if r["Line"] == "Sales"]
    assert sum(D(r["Net"]) for r in sales) == paid - refunded
    refund_days = {r["Date"]: D(r["Refunds"]) for r in sales if D(r["Refunds"])}
    assert refund_days == {"2026-05-20": D("15.00"), "2026-05-21": D("3.00")}
    by_provider = {
        r["Provider"]: r
        for r in rows
        if r["Line"] == "Total" and r["Provider"] != "All providers"
    }
    assert D(by_provider["MercadoPago"]["Fees"]) == D("0.75")
    assert by_provider["Stripe"]["Fees"] == ""

    form = page.locator("#report-sales form")
    form.locator("select[name=format]").select_option("xlsx")
    with page.expect_download() as download:
        form.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "sales-2026-05-01-2026-05-31.xlsx"
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = cells[0]
    total = next(r for r in cells if r[0] == "Total" and r[4] == "All providers")
    gross, refunds, net = (
        total[header.index(name)] for name in ("Gross", "Refunds", "Net")
    )
    assert (D(str(gross)), D(str(refunds)), D(str(net))) == (
        paid,
        refunded,
        paid - refunded,
    )

    # A period that ends before it starts: the page says so, nothing downloads.
    form = page.locator("#report-sales form")
    form.locator("input[name=start]").fill("2026-05-31")
    form.locator("input[name=end]").fill("2026-05-01")
    form.locator("select[name=format]").select_option("csv")
    form.get_by_role("button", name="Download").click()
    expect(page.locator("#report-sales .errorlist")).to_contain_text(
        "The end date is before the start date."
    )
    shot(page, "reports-error")
    assert csp_violations(page) == []

    # The report page on a phone, in Spanish: no sideways scrolling.
    login(phone_page, organizer)
    phone_page.goto("/admin/backoffice/reports/")
    expect(phone_page.locator("#report-sales-title")).to_have_text("Ventas y pagos")
    shot(phone_page, "reports-phone")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
