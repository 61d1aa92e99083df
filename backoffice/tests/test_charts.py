from datetime import date, timedelta

from backoffice.charts import MAX_DAYS, sales_svg, sales_timeline


def test_timeline_fills_quiet_days_and_accumulates():
    timeline = sales_timeline(
        [(date(2026, 5, 1), 2), (date(2026, 5, 3), 1)], last_day=date(2026, 5, 4)
    )
    assert timeline == [
        (date(2026, 5, 1), 2, 2),
        (date(2026, 5, 2), 0, 2),
        (date(2026, 5, 3), 1, 3),
        (date(2026, 5, 4), 0, 3),
    ]


def test_a_long_sale_shows_its_last_days_with_earlier_sales_carried_in():
    first = date(2026, 1, 1)
    per_day = [(first + timedelta(days=i), 1) for i in range(100)]
    timeline = sales_timeline(per_day, last_day=first + timedelta(days=99))
    assert len(timeline) == MAX_DAYS
    assert timeline[0][2] == 100 - MAX_DAYS + 1
    assert timeline[-1][2] == 100


def test_svg_is_self_contained_with_a_bar_a_day():
    timeline = sales_timeline(
        [(date(2026, 5, 1), 2), (date(2026, 5, 2), 3)], last_day=date(2026, 5, 2)
    )
    svg = str(sales_svg(timeline, capacity=10))
    assert svg.startswith("<svg") and svg.count("<rect") == 2
    assert "<script" not in svg and "style=" not in svg
    assert "5 of 10 seats" in svg


def test_no_sales_is_said_in_words():
    assert "No tickets sold yet." in str(sales_svg([], capacity=10))
