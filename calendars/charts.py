"""A small bar chart of clicks per day as inline SVG: no script, no CDN, no inline
CSS (presentation attributes only, which the CSP allows)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD = 600, 160, 24


def timeline_svg(timeline: list[dict]) -> SafeString:
    if not timeline:
        return format_html("<p>{}</p>", _("No clicks yet."))
    peak = max(day["clicks"] for day in timeline) or 1
    slot = (WIDTH - 2 * PAD) / len(timeline)
    bar = max(slot * 0.8, 1)
    bars = []
    for i, day in enumerate(timeline):
        h = (HEIGHT - 2 * PAD) * day["clicks"] / peak
        bars.append(
            (
                f"{PAD + i * slot:.1f}",
                f"{HEIGHT - PAD - h:.1f}",
                f"{bar:.1f}",
                f"{h:.1f}",
                f"{day['date']}: {day['clicks']}",
            )
        )
    label = _("Clicks per day, %(first)s to %(last)s, at most %(peak)s a day") % {
        "first": timeline[0]["date"],
        "last": timeline[-1]["date"],
        "peak": peak,
    }
    return format_html(
        '<svg class="calendars-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'width="100%" height="{}" xmlns="http://www.w3.org/2000/svg">'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#9ca3af"/>{}'
        '<text x="{}" y="{}" font-size="11" fill="#4b5563">{}</text>'
        '<text x="{}" y="{}" font-size="11" fill="#4b5563" text-anchor="end">{}</text>'
        "</svg>",
        label,
        WIDTH,
        HEIGHT,
        HEIGHT,
        PAD,
        HEIGHT - PAD,
        WIDTH - PAD,
        HEIGHT - PAD,
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#2563eb">'
            "<title>{}</title></rect>",
            bars,
        ),
        PAD,
        HEIGHT - 6,
        timeline[0]["date"],
        WIDTH - PAD,
        HEIGHT - 6,
        timeline[-1]["date"],
    )
