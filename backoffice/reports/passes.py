"""Passes sold and used in a period: every pass paid in it or with a session in
it that counts, with its sessions used to date and in the period."""

from collections.abc import Iterator
from decimal import Decimal
from itertools import islice

from django.utils.translation import gettext as _

from backoffice.period import Period
from backoffice.reports.base import CHUNK_SIZE, Report, local_datetime
from passes.models import PassStatus
from passes.payables import KIND as PASS_KIND
from passes.selectors import passes_for_report
from payments.models import Provider
from payments.selectors import RECEIVED_STATUSES, payments_for_payables


class PassesReport(Report):
    key = "passes"

    def __init__(self, *, period: Period):
        self.period = period

    def title(self) -> str:
        return _("Passes")

    def filename(self) -> str:
        return f"passes-{self.period.slug}"

    def describe(self) -> dict:
        return {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
        }

    def header(self) -> list[str]:
        return [
            _("Product"),
            _("Holder"),
            _("Email"),
            _("Status"),
            _("Paid at"),
            _("Expires at"),
            _("Sessions"),
            _("Used to date"),
            _("Used in the period"),
            _("Sessions left"),
            _("Price"),
            _("Currency"),
            _("Paid with"),
            _("Refunded"),
        ]

    def rows(self) -> Iterator[list]:
        statuses = dict(PassStatus.choices)
        providers = {code: str(label) for code, label in Provider.choices}
        unlimited = _("Unlimited")
        passes = passes_for_report(
            since=self.period.since, until=self.period.until
        ).iterator(chunk_size=CHUNK_SIZE)
        while chunk := list(islice(passes, CHUNK_SIZE)):
            # The payments of a chunk of passes in one query.
            payments = payments_for_payables(PASS_KIND, [p.pk for p in chunk])
            for item in chunk:
                paid = [
                    pay
                    for pay in payments.get(str(item.pk), [])
                    if pay.status in RECEIVED_STATUSES
                ]
                yield [
                    item.product.name,
                    item.user.name,
                    item.user.email,
                    str(statuses.get(item.status, item.status)),
                    local_datetime(item.activated_at),
                    local_datetime(item.expires_at),
                    item.sessions_total
                    if item.sessions_total is not None
                    else unlimited,
                    item.sessions_used,
                    item.used_in_period,
                    item.sessions_left if item.sessions_total is not None else "",
                    item.price,
                    item.currency,
                    ", ".join(
                        sorted({providers.get(p.provider, p.provider) for p in paid})
                    ),
                    sum((p.refunded_amount for p in paid), Decimal("0")),
                ]
