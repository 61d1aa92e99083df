"""Public pages of weekly series: the list and one series with its sessions."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_safe

from events.ics import series_ics
from events.models import EventSeries, EventStatus
from events.series_selectors import series_public_list, series_upcoming_sessions
from events.sharing import series_share_card, series_share_meta
from events.views import share_image_response

SESSIONS_SHOWN = 12


def series_rule(series: EventSeries) -> str:
    """ "Every Tuesday at 19:00", as the pages word it."""
    text = render_to_string("events/_series_rule.html", {"series": series})
    return " ".join(text.split())


@require_GET
def series_list(request):
    return render(
        request, "events/series_list.html", {"series_list": series_public_list()}
    )


@require_GET
def series_detail(request, slug):
    series = get_object_or_404(EventSeries.objects.public(), slug=slug)
    sessions = list(series_upcoming_sessions(series=series)[:SESSIONS_SHOWN])
    for session in sessions:
        session.series = series  # told in the series' zone, without a query
    next_session = next(
        (s for s in sessions if s.status == EventStatus.PUBLISHED), None
    )
    share = series_share_meta(
        series, rule=series_rule(series), next_session=next_session
    )
    return render(
        request,
        "events/series_detail.html",
        {
            "series": series,
            "sessions": sessions,
            "next_session": next_session,
            "share": share,
        },
    )


@require_safe
def series_share_image(request, slug):
    """The link-preview picture of a public series."""
    series = get_object_or_404(EventSeries.objects.public(), slug=slug)
    return share_image_response(request, series_share_card(series, series_rule(series)))


@require_GET
def series_calendar(request, slug):
    """The whole series as one recurring calendar event (.ics)."""
    series = get_object_or_404(EventSeries.objects.public(), slug=slug)
    response = HttpResponse(series_ics(series), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{series.slug}.ics"'
    return response
