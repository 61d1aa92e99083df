"""Public pages of weekly series: the list and one series with its sessions."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from events.ics import series_ics
from events.models import EventSeries, EventStatus
from events.series_selectors import series_public_list, series_upcoming_sessions

SESSIONS_SHOWN = 12


@require_GET
def series_list(request):
    return render(
        request, "events/series_list.html", {"series_list": series_public_list()}
    )


@require_GET
def series_detail(request, slug):
    series = get_object_or_404(EventSeries.objects.public(), slug=slug)
    sessions = list(series_upcoming_sessions(series=series)[:SESSIONS_SHOWN])
    next_session = next(
        (s for s in sessions if s.status == EventStatus.PUBLISHED), None
    )
    return render(
        request,
        "events/series_detail.html",
        {"series": series, "sessions": sessions, "next_session": next_session},
    )


@require_GET
def series_calendar(request, slug):
    """The whole series as one recurring calendar event (.ics)."""
    series = get_object_or_404(EventSeries.objects.public(), slug=slug)
    response = HttpResponse(series_ics(series), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{series.slug}.ics"'
    return response
