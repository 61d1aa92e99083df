"""Attendee lists as CSV and XLSX, streamed: memory stays flat however many tickets.

Rows come from the database in chunks (a server-side cursor on PostgreSQL) and go
out as they are written. Values a spreadsheet would run as a formula are
neutralised with a leading apostrophe (OWASP's advice for CSV injection).
"""

import csv
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.audit import audit_record
from tickets.models import PaymentMethod, TicketStatus
from tickets.selectors import attendees_for_export

CHUNK_SIZE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: str) -> str:
    """'=HYPERLINK(…)' → "'=HYPERLINK(…)": shown as text, never evaluated."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


class _Echo:
    """csv.writer needs a file; this one hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def iter_csv(event) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark is what makes Excel read the file as UTF-8.
    yield "\ufeff" + writer.writerow(header())
    for row in rows(event):
        yield writer.writerow(row)


def iter_xlsx(event) -> Iterator[bytes]:
    """openpyxl's write-only mode writes rows to a temporary file as they come."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Attendees")[:31])
    sheet.append(header())
    for row in rows(event):
        sheet.append(row)
    with tempfile.TemporaryFile() as tmp:
        workbook.save(tmp)
        tmp.seek(0)
        while chunk := tmp.read(64 * 1024):
            yield chunk


def filename(event, fmt: str) -> str:
    return f"attendees-{slugify(event.slug)[:60] or event.pk}.{fmt}"


def export_response(*, event, fmt: str, actor) -> StreamingHttpResponse:
    """Audit the export, then stream it. `fmt` is "csv" or "xlsx"."""
    audit_record(
        action="tickets.exported",
        actor=actor,
        target=event,
        changes={"format": fmt},
    )
    if fmt == "xlsx":
        response = StreamingHttpResponse(iter_xlsx(event), content_type=XLSX_TYPE)
    else:
        response = StreamingHttpResponse(
            iter_csv(event), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename(event, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response
