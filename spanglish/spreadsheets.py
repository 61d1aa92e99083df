"""Tables as CSV and XLSX, streamed: memory stays flat however many rows.

Rows go out as they are written (CSV line by line; XLSX through openpyxl's
write-only mode and a temporary file). Text a spreadsheet would run as a formula
is neutralised with a leading apostrophe (OWASP's advice for CSV injection):
writers neutralise every string cell, so a caller cannot forget one. Numbers
(Decimal, int) and dates stay typed.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import translation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")


def neutralise(value: str) -> str:
    """'=HYPERLINK(…)' → "'=HYPERLINK(…)": shown as text, never evaluated."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe(row: Iterable) -> list:
    return [neutralise(str(cell)) if isinstance(cell, str) else cell for cell in row]


class _Echo:
    """csv.writer needs a file; this one hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def iter_csv(header: list, rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark is what makes Excel read the file as UTF-8.
    yield "\ufeff" + writer.writerow(_safe(header))
    for row in rows:
        yield writer.writerow(_safe("" if cell is None else cell for cell in row))


def iter_xlsx(title: str, header: list, rows: Iterable[list]) -> Iterator[bytes]:
    """openpyxl's write-only mode writes rows to a temporary file as they come."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    # Sheet titles: at most 31 characters, none of []:*?/\
    safe_title = "".join(c for c in str(title) if c not in "[]:*?/\\")[:31]
    sheet = workbook.create_sheet(title=safe_title or "Sheet")
    sheet.append(_xlsx_cells(header, ILLEGAL_CHARACTERS_RE))
    for row in rows:
        sheet.append(_xlsx_cells(row, ILLEGAL_CHARACTERS_RE))
    with tempfile.TemporaryFile() as tmp:
        workbook.save(tmp)
        tmp.seek(0)
        while chunk := tmp.read(64 * 1024):
            yield chunk


def _xlsx_cells(row: Iterable, illegal) -> list:
    """_safe, and without the control characters XML (so XLSX) cannot hold
    (`illegal`, openpyxl's pattern): a name typed with one would otherwise stop the
    whole file mid-stream."""
    return [
        illegal.sub("", cell) if isinstance(cell, str) else cell for cell in _safe(row)
    ]


def _in_language(language: str, chunks: Iterator) -> Iterator:
    # A streamed body is written after the view returned, when the request's
    # language may no longer be active: each chunk is made in the one asked for.
    while True:
        with translation.override(language):
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def spreadsheet_response(
    *,
    fmt: str,
    filename: str,
    title: str,
    header: list,
    rows: Iterable[list],
) -> StreamingHttpResponse:
    """A download of `header` and `rows` as CSV (UTF-8 with a byte-order mark) or
    XLSX, streamed; `filename` without its extension. Rows may be a generator that
    reads the database as it goes; it runs in the current language."""
    language = translation.get_language()
    if fmt == "xlsx":
        body = iter_xlsx(title, header, rows)
        content_type = XLSX_TYPE
    else:
        body = iter_csv(header, rows)
        content_type = CSV_TYPE
    response = StreamingHttpResponse(
        _in_language(language, body), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
