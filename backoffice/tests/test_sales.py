"""The sales report's figures: gross on the payment's day, refunds on theirs,
net per currency, fees where known, cash-up differences, totals."""

from datetime import date
from decimal import Decimal

import pytest

from backoffice.period import Period
from backoffice.reports.sales import PAYMENTS, SalesReport, summarise
from backoffice.tests.helpers import at, cash_paid, online_paid, refund
from door import services as door_services
from events.tests.factories import EventFactory
from payments.models import Provider

pytestmark = pytest.mark.django_db
D = Decimal


def _rows(report):
    header = report.header()
    return [dict(zip(header, row, strict=True)) for row in report.rows()]


def _totals(rows, provider="All providers"):
    return {
        row["Currency"]: row
        for row in rows
        if row["Line"] == "Total" and row["Provider"] == provider
    }


def test_a_refund_counts_on_the_day_it_was_made_not_on_the_payments(organizer):
    event = EventFactory(price=D("15.00"), currency="EUR", slug="tapas")
    paid = online_paid(event, "15.00", when=at(2026, 5, 10))
    online_paid(event, "15.00", when=at(2026, 5, 10, 18))
    refund(paid, "15.00", actor=organizer, when=at(2026, 6, 2))

    may = SalesReport(
        event=None, period=Period(start=date(2026, 5, 1), end=date(2026, 5, 31))
    )
    rows = _rows(may)
    sales = [r for r in rows if r["Line"] == "Sales"]
    assert [
        (r["Date"], r["Payments"], r["Gross"], r["Refunds"], r["Net"]) for r in sales
    ] == [(date(2026, 5, 10), 2, D("30.00"), D("0"), D("30.00"))]
    assert _totals(rows)["EUR"]["Net"] == D("30.00")

    june = SalesReport(
        event=None, period=Period(start=date(2026, 6, 1), end=date(2026, 6, 30))
    )
    rows = _rows(june)
    sales = [r for r in rows if r["Line"] == "Sales"]
    assert [
        (r["Date"], r["Payments"], r["Gross"], r["Refunds"], r["Net"]) for r in sales
    ] == [(date(2026, 6, 2), 0, D("0"), D("15.00"), D("-15.00"))]
    assert _totals(rows)["EUR"]["Net"] == D("-15.00")

    # One event's report, all its dates: both days, net 15.
    rows = _rows(SalesReport(event=event, period=None))
    assert [r["Date"] for r in rows if r["Line"] == "Sales"] == [
        date(2026, 5, 10),
        date(2026, 6, 2),
    ]
    total = _totals(rows)["EUR"]
    assert (total["Gross"], total["Refunds"], total["Net"]) == (
        D("30.00"),
        D("15.00"),
        D("15.00"),
    )


def test_currencies_are_never_added_together(organizer):
    madrid = EventFactory(price=D("10.00"), currency="EUR")
    santiago = EventFactory(price=D("5000"), currency="CLP")
    online_paid(madrid, "10.00", when=at(2026, 3, 3))
    online_paid(madrid, "10.00", when=at(2026, 3, 4))
    online_paid(santiago, "5000", when=at(2026, 3, 3), provider=Provider.MERCADOPAGO)
    period = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))

    rows = _rows(SalesReport(event=None, period=period))

    totals = _totals(rows)
    assert set(totals) == {"EUR", "CLP"}
    assert totals["EUR"]["Net"] == D("20.00")
    assert totals["CLP"]["Net"] == D("5000")
    # Every line says its currency.
    assert all(row["Currency"] in ("EUR", "CLP") for row in rows)
    by_provider = {
        (r["Provider"], r["Currency"]): r["Net"]
        for r in rows
        if r["Line"] == "Total" and r["Provider"] != "All providers"
    }
    assert by_provider == {
        ("Stripe", "EUR"): D("20.00"),
        ("MercadoPago", "CLP"): D("5000"),
    }


def test_amounts_stay_exact_over_many_small_payments(organizer):
    event = EventFactory(price=D("0.10"), currency="EUR")
    for _ in range(30):
        online_paid(event, "0.10", when=at(2026, 2, 2))
    online_paid(event, "0.20", when=at(2026, 2, 2))
    rows = _rows(SalesReport(event=event, period=None))
    net = _totals(rows)["EUR"]["Net"]
    assert net == D("3.20") and isinstance(net, Decimal)


def test_fees_are_shown_where_the_provider_reports_them(organizer):
    event = EventFactory(price=D("20.00"), currency="EUR")
    online_paid(event, "20.00", provider=Provider.MERCADOPAGO, fees=["0.99", "0.20"])
    online_paid(event, "20.00", provider=Provider.MERCADOPAGO, fees=["0.99"])
    online_paid(event, "20.00", provider=Provider.STRIPE)
    cash_paid(event, "20.00", actor=organizer)

    rows = _rows(SalesReport(event=event, period=None))

    fees = {
        r["Provider"]: r["Fees"]
        for r in rows
        if r["Line"] == "Total" and r["Provider"] != "All providers"
    }
    # MercadoPago lists its fees, cash costs nothing, Stripe's checkout does not
    # say (blank, never a 0 that would read as "free").
    assert fees == {"MercadoPago": D("2.18"), "Cash": D("0"), "Stripe": None}
    assert _totals(rows)["EUR"]["Fees"] is None


def test_cash_up_difference_is_reported_with_the_cash(organizer, volunteer):
    event = EventFactory(price=D("8.00"), currency="EUR")
    cash_paid(event, "8.00", actor=volunteer)
    cash_paid(event, "8.00", actor=volunteer)
    taken = cash_paid(event, "8.00", actor=volunteer)
    refund(taken, "3.00", actor=organizer)  # handed back at the door
    online_paid(event, "8.00")
    # The volunteer counts 20.00 where 21.00 is expected: 1.00 short.
    door_services.cashcount_set(
        event=event, volunteer=volunteer, counted="20.00", actor=volunteer
    )
    door_services.cashup_close(event=event, actor=organizer)

    rows = _rows(SalesReport(event=event, period=None))

    [cash_up] = [r for r in rows if r["Line"] == "Cash-up"]
    assert (
        cash_up["Expected cash"],
        cash_up["Counted cash"],
        cash_up["Cash-up difference"],
    ) == (D("21.00"), D("20.00"), D("-1.00"))
    cash_total = _totals(rows, provider="Cash")["EUR"]
    assert (cash_total["Gross"], cash_total["Refunds"], cash_total["Net"]) == (
        D("24.00"),
        D("3.00"),
        D("21.00"),
    )
    assert cash_total["Cash-up difference"] == D("-1.00")
    assert _totals(rows)["EUR"]["Net"] == D("29.00")


def test_the_payments_detail_lists_each_payment_and_refund_signed(organizer):
    event = EventFactory(price=D("12.50"), currency="EUR")
    first = online_paid(event, "12.50", when=at(2026, 4, 1, 10))
    online_paid(event, "12.50", when=at(2026, 4, 1, 11))
    refund(first, "5.00", actor=organizer, when=at(2026, 4, 3, 9))
    period = Period(start=date(2026, 4, 1), end=date(2026, 4, 30))

    rows = _rows(SalesReport(event=None, period=period, detail=PAYMENTS))

    assert [(r["Date"], r["Type"], r["Amount"]) for r in rows] == [
        (date(2026, 4, 1), "Payment", D("12.50")),
        (date(2026, 4, 1), "Payment", D("12.50")),
        (date(2026, 4, 3), "Refund", D("-5.00")),
    ]
    assert sum(r["Amount"] for r in rows) == D("20.00")
    assert rows[0]["Event"] == event.title
    assert rows[2]["Payment id"] == str(first.pk)


def test_summary_and_detail_agree(organizer, volunteer):
    event = EventFactory(price=D("9.99"), currency="EUR")
    other = EventFactory(price=D("4.50"), currency="EUR")
    payments = [online_paid(event, "9.99") for _ in range(3)]
    payments.append(cash_paid(other, "4.50", actor=volunteer))
    refund(payments[0], "9.99", actor=organizer)
    refund(payments[3], "1.50", actor=organizer)

    summary = summarise(since=None, until=None)
    detail = _rows(SalesReport(event=None, period=None, detail=PAYMENTS))

    assert summary.by_currency["EUR"].net == sum(r["Amount"] for r in detail)
    assert summary.by_currency["EUR"].net == D("9.99") * 3 + D("4.50") - D("11.49")


def test_pending_failed_and_unpaid_payments_are_not_money(organizer):
    from payments.models import Payment, PaymentStatus

    event = EventFactory(price=D("10.00"), currency="EUR")
    for status in (
        PaymentStatus.PENDING,
        PaymentStatus.FAILED,
        PaymentStatus.CANCELLED,
        PaymentStatus.UNPAID,
    ):
        payment = online_paid(event, "10.00")
        Payment.objects.filter(pk=payment.pk).update(status=status)
    online_paid(event, "10.00")

    rows = _rows(SalesReport(event=event, period=None))

    assert _totals(rows)["EUR"]["Gross"] == D("10.00")
    assert _totals(rows)["EUR"]["Payments"] == 1
