"""Which archives to keep: the newest of each of the last N days and M ISO weeks."""

import re
from datetime import UTC, datetime
from pathlib import Path

from operations.backup.archive import PREFIX

_STAMP = re.compile(re.escape(PREFIX) + r"(\d{8}T\d{6}Z)\.tar(\.age)?$")


def archive_time(name: str) -> datetime | None:
    match = _STAMP.match(name)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def to_delete(names: list[str], *, keep_daily: int, keep_weekly: int) -> list[str]:
    """Names of archives outside the retention policy (never the newest one)."""
    dated = sorted(
        ((archive_time(n), n) for n in names if archive_time(n)), reverse=True
    )
    keep: set[str] = set()
    days: set = set()
    weeks: set = set()
    for when, name in dated:
        day, week = when.date(), when.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(name)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            keep.add(name)
    if dated:
        keep.add(dated[0][1])
    return sorted(name for _, name in dated if name not in keep)


def prune(directory: Path, *, keep_daily: int, keep_weekly: int) -> list[str]:
    names = [p.name for p in directory.iterdir() if p.is_file()]
    doomed = to_delete(names, keep_daily=keep_daily, keep_weekly=keep_weekly)
    for name in doomed:
        (directory / name).unlink(missing_ok=True)
    return doomed
