"""What every report is: a title, a file name, a header and rows (cells as
Decimal, int, date or text; the writers in spanglish.spreadsheets neutralise text
a spreadsheet would run as a formula)."""

from collections.abc import Iterator

from django.utils import timezone

# Rows read from the database in chunks (a server-side cursor on PostgreSQL).
CHUNK_SIZE = 2000


class Report:
    key: str = ""
    event = None  # the event a report is about, for the audit entry

    def title(self) -> str:
        raise NotImplementedError

    def filename(self) -> str:
        """Without the extension."""
        raise NotImplementedError

    def header(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterator[list]:
        raise NotImplementedError

    def describe(self) -> dict:
        """What was asked for, as the audit entry records it."""
        return {}


def local_datetime(value) -> str:
    """A moment as local wall-clock text (spreadsheets keep no time zone)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
