"""Log formatters whose timestamps are UTC in ISO 8601 with the offset spelled out
(2026-11-30T15:12:21.242+00:00), whatever TIME_ZONE says: Django sets the process's
local time zone to TIME_ZONE, and lines from hosts in different zones (or a DST
change) must still sort and join with the proxy's and the database's logs."""

import logging
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter


def utc_iso(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(
        timespec="milliseconds"
    )


class UTCFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return utc_iso(record)


class UTCJsonFormatter(JsonFormatter):
    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return utc_iso(record)
