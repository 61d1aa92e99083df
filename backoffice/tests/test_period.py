from datetime import UTC, date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from backoffice.period import MAX_DAYS, period_resolve

TODAY = date(2026, 5, 20)


def test_defaults_to_this_month_so_far():
    period = period_resolve(start=None, end=None, today=TODAY)
    assert (period.start, period.end) == (date(2026, 5, 1), TODAY)


def test_an_end_alone_takes_its_month_and_a_start_alone_runs_to_today():
    assert period_resolve(start=None, end=date(2026, 2, 14), today=TODAY).start == (
        date(2026, 2, 1)
    )
    assert period_resolve(start=date(2026, 4, 2), end=None, today=TODAY).end == TODAY
    # A start ahead of today is a one-day period, not an error.
    ahead = period_resolve(start=date(2026, 7, 1), end=None, today=TODAY)
    assert (ahead.start, ahead.end) == (date(2026, 7, 1), date(2026, 7, 1))


def test_the_period_covers_whole_local_days():
    period = period_resolve(start=date(2026, 3, 28), end=date(2026, 3, 29), today=TODAY)
    # Europe/Madrid moves to summer time on 29 March 2026: 47 hours, not 48.
    elapsed = period.until.astimezone(UTC) - period.since.astimezone(UTC)
    assert elapsed.total_seconds() == 47 * 3600


@pytest.mark.parametrize(
    ("start", "end", "field", "english", "spanish"),
    [
        (
            date(2026, 5, 2),
            date(2026, 5, 1),
            "end",
            "The end date is before the start date.",
            "La fecha final es anterior a la inicial.",
        ),
        (
            date(2020, 1, 1),
            date(2026, 1, 1),
            "end",
            f"A report covers at most {MAX_DAYS} days: pick a shorter period.",
            f"Un informe abarca como mucho {MAX_DAYS} días: elige un periodo más corto.",
        ),
        (
            date(1999, 12, 31),
            date(2000, 1, 5),
            "start",
            "Pick a date between",
            "Elige una fecha entre",
        ),
        (
            date(9999, 12, 31),
            date(9999, 12, 31),
            "start",
            "Pick a date between",
            "Elige una fecha entre",
        ),
    ],
)
def test_bad_periods_are_refused_in_both_languages(start, end, field, english, spanish):
    for language, expected in (("en", english), ("es", spanish)):
        with translation.override(language), pytest.raises(ValidationError) as exc:
            period_resolve(start=start, end=end, today=TODAY)
        assert exc.value.message_dict[field][0].startswith(expected)


def test_a_full_year_is_allowed():
    period = period_resolve(start=date(2024, 1, 1), end=date(2024, 12, 31), today=TODAY)
    assert (period.end - period.start).days + 1 == 366
