"""The back office's one write: the audit entry each report download leaves."""

from django.http import StreamingHttpResponse

from backoffice.reports import Report
from community.audit import audit_record
from spanglish.spreadsheets import FORMATS, spreadsheet_response


def report_export(*, report: Report, fmt: str, actor) -> StreamingHttpResponse:
    """Audit the export (`backoffice.report_exported`: which report, for what,
    in which format, by whom), then stream it as CSV or XLSX. The caller has
    checked that `actor` may see it."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    audit_record(
        action="backoffice.report_exported",
        actor=actor,
        target=report.event,
        changes={"report": report.key, "format": fmt, **report.describe()},
    )
    return spreadsheet_response(
        fmt=fmt,
        filename=report.filename(),
        title=report.title(),
        header=report.header(),
        rows=report.rows(),
    )
