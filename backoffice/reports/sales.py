"""Sales and payments: money received and refunded, per day, event, provider and
currency, with the door's cash-ups — or every payment and refund on a line.

Both read one ledger: each payment whose money arrived, on the day it was made,
and each refund that went through, on the day it was made (a refund in June of a
May payment counts in June). Gross − refunds = net, exact decimals, never added
across currencies. Fees are what the provider says it kept (MercadoPago does,
Stripe's checkout does not: blank), 0 for cash.
"""

import heapq
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from backoffice.period import Period
from backoffice.reports.base import CHUNK_SIZE, Report
from door.selectors import cash_ups_closed
from events.models import Event
from payments.models import Provider
from payments.selectors import payment_fee, payments_received, refunds_made

ZERO = Decimal("0")
SUMMARY, PAYMENTS = "summary", "payments"


@dataclass(frozen=True)
class Entry:
    """One line of the ledger: money in (a payment) or out (a refund)."""

    when: datetime
    is_refund: bool
    event_id: str
    kind: str
    provider: str
    currency: str
    amount: Decimal  # positive either way
    fee: Decimal | None
    reference: str
    payment_id: str


def _entry(row: dict, **own) -> Entry:
    # What payments and refunds read alike; `own` is the rest.
    return Entry(
        when=row["created_at"],
        event_id=str(row["event_id"] or ""),
        kind=row["payable_kind"],
        provider=row["provider"],
        currency=row["currency"],
        amount=row["amount"],
        **own,
    )


def _payment(row: dict) -> Entry:
    return _entry(
        row,
        is_refund=False,
        fee=payment_fee(provider=row["provider"], fee_details=row["fee_details"]),
        reference=row["provider_reference"],
        payment_id=str(row["pk"]),
    )


def _refund(row: dict) -> Entry:
    return _entry(
        row,
        is_refund=True,
        fee=None,
        reference=row["provider_refund_id"] or row["provider_reference"],
        payment_id=str(row["payment_id"]),
    )


def ledger(
    *, since: datetime | None, until: datetime | None, event_id=None
) -> Iterator[Entry]:
    """Payments and refunds in [since, until) and/or of one event, oldest first,
    streamed from two queries."""
    payments = payments_received(since=since, until=until, event_id=event_id)
    refunds = refunds_made(since=since, until=until, event_id=event_id)
    return heapq.merge(
        (_payment(row) for row in payments.iterator(chunk_size=CHUNK_SIZE)),
        (_refund(row) for row in refunds.iterator(chunk_size=CHUNK_SIZE)),
        key=lambda entry: entry.when,
    )


@dataclass
class Figures:
    """Money of one group: payments received, gross, refunds, fees."""

    payments: int = 0
    gross: Decimal = ZERO
    refunds: Decimal = ZERO
    fees: Decimal = ZERO
    fees_unknown: bool = False
    cash_expected: Decimal | None = None
    cash_counted: Decimal | None = None
    cash_difference: Decimal | None = None

    @property
    def net(self) -> Decimal:
        return self.gross - self.refunds

    @property
    def fee_cell(self) -> Decimal | None:
        # A sum that leaves out unknown fees would read as the whole cost: blank.
        if self.fees_unknown or not self.payments:
            return None
        return self.fees

    def add(self, entry: Entry) -> None:
        if entry.is_refund:
            self.refunds += entry.amount
            return
        self.payments += 1
        self.gross += entry.amount
        if entry.fee is None:
            self.fees_unknown = True
        else:
            self.fees += entry.fee

    def add_cash_up(self, expected, counted, difference) -> None:
        self.cash_expected = (self.cash_expected or ZERO) + expected
        self.cash_counted = (self.cash_counted or ZERO) + counted
        self.cash_difference = (self.cash_difference or ZERO) + difference


@dataclass
class Summary:
    """The ledger grouped: by (day, event, paid for, provider, currency), and
    totals by (provider, currency) and by currency."""

    days: dict[tuple, Figures] = field(default_factory=lambda: defaultdict(Figures))
    by_provider: dict[tuple, Figures] = field(
        default_factory=lambda: defaultdict(Figures)
    )
    by_currency: dict[str, Figures] = field(
        default_factory=lambda: defaultdict(Figures)
    )
    cash_ups: list = field(default_factory=list)

    def add(self, entry: Entry) -> None:
        day = timezone.localdate(entry.when)
        self.days[
            (day, entry.event_id, entry.kind, entry.provider, entry.currency)
        ].add(entry)
        self.by_provider[(entry.provider, entry.currency)].add(entry)
        self.by_currency[entry.currency].add(entry)

    def add_cash_up(self, cash_up) -> None:
        self.cash_ups.append(cash_up)
        values = (cash_up.expected, cash_up.counted, cash_up.difference)
        self.by_provider[(Provider.CASH.value, cash_up.currency)].add_cash_up(*values)
        self.by_currency[cash_up.currency].add_cash_up(*values)


def summarise(
    *, since: datetime | None, until: datetime | None, event_id=None
) -> Summary:
    summary = Summary()
    for entry in ledger(since=since, until=until, event_id=event_id):
        summary.add(entry)
    for cash_up in cash_ups_closed(since=since, until=until, event_id=event_id):
        summary.add_cash_up(cash_up)
    return summary


def _labels() -> tuple[dict, dict]:
    kinds = {"ticket": _("Ticket"), "pass": _("Pass")}
    providers = {code: str(label) for code, label in Provider.choices}
    return kinds, providers


class SalesReport(Report):
    key = "sales"

    def __init__(
        self, *, event: Event | None, period: Period | None, detail: str = SUMMARY
    ):
        self.event = event
        self.period = period
        self.detail = detail

    @property
    def _window(self) -> dict:
        return {
            "since": self.period.since if self.period else None,
            "until": self.period.until if self.period else None,
            "event_id": self.event.pk if self.event else None,
        }

    def title(self) -> str:
        return _("Payments") if self.detail == PAYMENTS else _("Sales")

    def filename(self) -> str:
        parts = ["payments" if self.detail == PAYMENTS else "sales"]
        if self.event is not None:
            parts.append(slugify(self.event.slug)[:60] or str(self.event.pk))
        if self.period is not None:
            parts.append(self.period.slug)
        return "-".join(parts)

    def describe(self) -> dict:
        return {
            "detail": self.detail,
            "event": str(self.event.pk) if self.event else "",
            "start": self.period.start.isoformat() if self.period else "",
            "end": self.period.end.isoformat() if self.period else "",
        }

    def header(self) -> list[str]:
        if self.detail == PAYMENTS:
            return [
                _("Date"),
                _("Time"),
                _("Type"),
                _("Event"),
                _("Paid for"),
                _("Provider"),
                _("Currency"),
                _("Amount"),
                _("Fee"),
                _("Provider reference"),
                _("Payment id"),
            ]
        return [
            _("Line"),
            _("Date"),
            _("Event"),
            _("Paid for"),
            _("Provider"),
            _("Currency"),
            _("Payments"),
            _("Gross"),
            _("Refunds"),
            _("Net"),
            _("Fees"),
            _("Expected cash"),
            _("Counted cash"),
            _("Cash-up difference"),
        ]

    def rows(self) -> Iterator[list]:
        if self.detail == PAYMENTS:
            return self._ledger_rows()
        return self._summary_rows()

    def _titles(self, ids) -> dict[str, str]:
        ids = {i for i in ids if i}
        if self.event is not None:
            return {str(self.event.pk): self.event.title}
        return {
            str(pk): event.title
            for pk, event in Event.objects.in_bulk(list(ids)).items()
        }

    def _ledger_rows(self) -> Iterator[list]:
        kinds, providers = _labels()
        window = self._window
        ids = {
            str(row["event_id"] or "")
            for qs in (payments_received(**window), refunds_made(**window))
            for row in qs.order_by().values("event_id").distinct()
        }
        titles = self._titles(ids)
        no_event = _("No event")
        for entry in ledger(**window):
            local = timezone.localtime(entry.when)
            yield [
                local.date(),
                local.strftime("%H:%M"),
                _("Refund") if entry.is_refund else _("Payment"),
                titles.get(entry.event_id, no_event),
                kinds.get(entry.kind, entry.kind),
                providers.get(entry.provider, entry.provider),
                entry.currency,
                -entry.amount if entry.is_refund else entry.amount,
                entry.fee,
                entry.reference,
                entry.payment_id,
            ]

    def _summary_rows(self) -> Iterator[list]:
        kinds, providers = _labels()
        summary = summarise(**self._window)
        titles = self._titles(
            [key[1] for key in summary.days]
            + [str(c.event_id) for c in summary.cash_ups]
        )
        no_event = _("No event")
        lines: list[tuple] = []
        for (day, event_id, kind, provider, currency), f in summary.days.items():
            title = titles.get(event_id, no_event)
            lines.append(
                (
                    (day, 0, title, kind, provider, currency),
                    [
                        _("Sales"),
                        day,
                        title,
                        kinds.get(kind, kind),
                        providers.get(provider, provider),
                        currency,
                        f.payments,
                        f.gross,
                        f.refunds,
                        f.net,
                        f.fee_cell,
                        None,
                        None,
                        None,
                    ],
                )
            )
        for cash_up in summary.cash_ups:
            day: date = timezone.localdate(cash_up.closed_at)
            title = titles.get(str(cash_up.event_id), no_event)
            lines.append(
                (
                    (day, 1, title, "", Provider.CASH.value, cash_up.currency),
                    [
                        _("Cash-up"),
                        day,
                        title,
                        "",
                        providers[Provider.CASH.value],
                        cash_up.currency,
                        None,
                        None,
                        None,
                        None,
                        None,
                        cash_up.expected,
                        cash_up.counted,
                        cash_up.difference,
                    ],
                )
            )
        lines.sort(key=lambda line: line[0])
        for _key, row in lines:
            yield row
        for (provider, currency), f in sorted(summary.by_provider.items()):
            yield self._total_row(providers.get(provider, provider), currency, f)
        for currency, f in sorted(summary.by_currency.items()):
            yield self._total_row(_("All providers"), currency, f)

    @staticmethod
    def _total_row(provider: str, currency: str, f: Figures) -> list:
        return [
            _("Total"),
            None,
            "",
            "",
            provider,
            currency,
            f.payments,
            f.gross,
            f.refunds,
            f.net,
            f.fee_cell,
            f.cash_expected,
            f.cash_counted,
            f.cash_difference,
        ]
