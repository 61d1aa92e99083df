"""The period a report covers: whole local days, validated once for the admin's
forms and the API alike."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# A year and a day: one report per year fits, a decade of payments in one
# request does not.
MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def since(self) -> datetime:
        """The first moment of `start`, local time."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after `end`, local time (excluded)."""
        return timezone.make_aware(
            datetime.combine(self.end + timedelta(days=1), time.min)
        )

    @property
    def slug(self) -> str:
        return f"{self.start:%Y-%m-%d}-{self.end:%Y-%m-%d}"


def period_resolve(
    *, start: date | None, end: date | None, today: date | None = None
) -> Period:
    """The period from what was asked, with defaults: no end → today (or the
    start, when it lies ahead); no start → the first day of the end's month.
    Raises ValidationError keyed by field: a date out of range, an end before the
    start, more than MAX_DAYS days."""
    today = today or timezone.localdate()
    errors = {}
    for name, value in (("start", start), ("end", end)):
        if value is not None and not EARLIEST <= value <= LATEST:
            errors[name] = _("Pick a date between %(first)s and %(last)s.") % {
                "first": EARLIEST.isoformat(),
                "last": LATEST.isoformat(),
            }
    if errors:
        raise ValidationError(errors)
    if end is None:
        end = max(start, today) if start is not None else today
    if start is None:
        start = end.replace(day=1)
    if end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(
            {
                "end": _(
                    "A report covers at most %(days)s days: pick a shorter period."
                )
                % {"days": MAX_DAYS}
            }
        )
    return Period(start=start, end=end)
