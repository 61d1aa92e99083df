"""Tickets sold over time as a small inline SVG, drawn on the server like the
click-stats chart (calendars/charts.py): no script, no CDN, no inline CSS —
presentation attributes only, which the CSP allows."""

from datetime import date, timedelta

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH, HEIGHT, PAD, TOP = 320, 96, 4, 10
# A long sale shows its last two months; what was sold before is the first bar's base.
MAX_DAYS = 60
BAR, CAPACITY_LINE = "#2563eb", "#9ca3af"


def sales_timeline(
    per_day: list[tuple[date, int]], *, last_day: date
) -> list[tuple[date, int, int]]:
    """(day, sold that day, sold by the end of it) for every day from the first
    sale to `last_day` (at most MAX_DAYS of them; earlier sales are carried in)."""
    if not per_day:
        return []
    first = per_day[0][0]
    last_day = max(last_day, per_day[-1][0])
    window_start = max(first, last_day - timedelta(days=MAX_DAYS - 1))
    counts = dict(per_day)
    total = sum(n for day, n in per_day if day < window_start)
    timeline = []
    day = window_start
    while day <= last_day:
        sold = counts.get(day, 0)
        total += sold
        timeline.append((day, sold, total))
        day += timedelta(days=1)
    return timeline


def sales_svg(timeline: list[tuple[date, int, int]], *, capacity: int) -> SafeString:
    """Bars of tickets sold so far, one per day, against the event's capacity (a
    dashed line at the top). Each bar's tooltip gives the day's sales."""
    if not timeline:
        return format_html(
            '<p class="bo-chart-empty">{}</p>', _("No tickets sold yet.")
        )
    sold = timeline[-1][2]
    scale = max(capacity, sold, 1)
    slot = (WIDTH - 2 * PAD) / len(timeline)
    bar = max(slot * 0.8, 1)
    usable = HEIGHT - TOP - PAD
    bars = []
    for i, (day, that_day, total) in enumerate(timeline):
        h = usable * total / scale
        bars.append(
            (
                f"{PAD + i * slot:.1f}",
                f"{HEIGHT - PAD - h:.1f}",
                f"{bar:.1f}",
                f"{h:.1f}",
                ngettext(
                    "%(day)s: %(n)s sold, %(total)s in all",
                    "%(day)s: %(n)s sold, %(total)s in all",
                    that_day,
                )
                % {
                    "day": formats.date_format(day, "SHORT_DATE_FORMAT"),
                    "n": that_day,
                    "total": total,
                },
            )
        )
    cap_y = HEIGHT - PAD - usable * capacity / scale
    label = _(
        "Tickets sold from %(first)s to %(last)s: %(sold)s of %(capacity)s seats"
    ) % {
        "first": formats.date_format(timeline[0][0], "SHORT_DATE_FORMAT"),
        "last": formats.date_format(timeline[-1][0], "SHORT_DATE_FORMAT"),
        "sold": sold,
        "capacity": capacity,
    }
    return format_html(
        '<svg class="bo-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'width="100%" height="{}" preserveAspectRatio="none" '
        'xmlns="http://www.w3.org/2000/svg">'
        "<title>{}</title>"
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="4 3"/>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>{}'
        "</svg>",
        label,
        WIDTH,
        HEIGHT,
        HEIGHT,
        label,
        PAD,
        f"{cap_y:.1f}",
        WIDTH - PAD,
        f"{cap_y:.1f}",
        CAPACITY_LINE,
        PAD,
        HEIGHT - PAD,
        WIDTH - PAD,
        HEIGHT - PAD,
        CAPACITY_LINE,
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
            "<title>{}</title></rect>",
            ((x, y, w, h, BAR, title) for x, y, w, h, title in bars),
        ),
    )
