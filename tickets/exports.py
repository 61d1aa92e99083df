"""Attendee lists as CSV and XLSX, streamed: memory stays flat however many tickets.

Rows come from the database in chunks (a server-side cursor on PostgreSQL) and go
out as they are written, through the writers in spanglish.spreadsheets, which
neutralise values a spreadsheet would run as a formula (OWASP's advice for CSV
injection).
"""

from collections.abc import Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.audit import audit_record
from spanglish.spreadsheets import XLSX_TYPE, neutralise, spreadsheet_response
from tickets.models import PaymentMethod, TicketStatus
from tickets.selectors import attendees_for_export

__all__ = ["XLSX_TYPE", "export_response", "header", "neutralise", "rows"]

CHUNK_SIZE = 2000


def header() -> list[str]:
    return [
        _("Name"),
        _("Email"),
        _("Phone"),
        _("Status"),
        _("Amount paid"),
        _("Payment method"),
        _("Checked in at"),
        _("Ticket code"),
    ]


def rows(event) -> Iterator[list]:
    """One list of cells per ticket; text already neutralised, money as Decimal."""
    statuses = dict(TicketStatus.choices)
    methods = dict(PaymentMethod.choices)
    for (
        name,
        email,
        phone,
        status,
        paid,
        method,
        checkin_at,
        code,
    ) in attendees_for_export(event=event).iterator(chunk_size=CHUNK_SIZE):
        yield [
            neutralise(name or ""),
            neutralise(email or ""),
            neutralise(phone or ""),
            str(statuses.get(status, status)),
            paid if paid is not None else Decimal("0"),
            str(methods.get(method, method)),
            timezone.localtime(checkin_at).strftime("%Y-%m-%d %H:%M")
            if checkin_at
            else "",
            neutralise(code),
        ]


def filename(event) -> str:
    """Without the extension, which the format adds."""
    return f"attendees-{slugify(event.slug)[:60] or event.pk}"


def export_response(*, event, fmt: str, actor) -> StreamingHttpResponse:
    """Audit the export, then stream it. `fmt` is "csv" or "xlsx"."""
    audit_record(
        action="tickets.exported",
        actor=actor,
        target=event,
        changes={"format": fmt},
    )
    return spreadsheet_response(
        fmt=fmt,
        filename=filename(event),
        title=_("Attendees"),
        header=header(),
        rows=rows(event),
    )
