"""Calendar files, subscription feeds, the embeddable widget and click tracking.

These routes (and only these) may be framed by other sites and answer any origin:
`embeddable` lifts X-Frame-Options and sets a CSP with `frame-ancestors *`.
"""

from datetime import timedelta
from functools import wraps

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from calendars import services
from calendars.ics import event_ics, feed_ics
from calendars.models import CalendarFeedToken, ClickType
from calendars.selectors import (
    calendar_event_get,
    member_feed_events,
    public_feed_events,
    widget_look,
)
from calendars.tracking import (
    over_rate_limit,
    rate_limit,
    tracking_targets,
    visitor_hash,
)
from events.models import EventStatus
from spanglish.i18n import LANGUAGE_CODES, active_language

EMBED_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": ["*"],
}
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_CACHE_SECONDS = 300


def embeddable(view):
    """Frameable by any site, readable by any origin (CORS), own narrow CSP."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    return xframe_options_exempt(csp_override(EMBED_CSP)(wrapped))


def request_language(request, default: str = "") -> str:
    """?lang= when valid, else `default`, else the visitor's language."""
    lang = request.GET.get("lang", "")[:2]
    if lang in LANGUAGE_CODES:
        return lang
    return default or active_language()


def _ics_response(body: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@embeddable
def download_ics(request, public_id):
    event = calendar_event_get(public_id=public_id)
    if event is None:
        raise Http404
    body = event_ics(event, language=request_language(request))
    response = _ics_response(body, filename=f"spanglish-{event.slug}.ics")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
@embeddable
def public_feed(request):
    """All published events; subscribe with webcal://<host>/calendar.ics."""
    lang = request_language(request)
    key = f"calendars:feed:public:{lang}"
    body = cache.get(key)
    if body is None:
        with translation.override(lang):
            name = _("Spanglish events")
        body = feed_ics(public_feed_events(), name=name, language=lang)
        cache.set(key, body, FEED_CACHE_SECONDS)
    response = _ics_response(body)
    response["Cache-Control"] = f"public, max-age={FEED_CACHE_SECONDS}"
    return response


@require_safe
@embeddable
def member_feed(request, token):
    """A member's booked events; the secret URL is the credential."""
    feed = CalendarFeedToken.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    now = timezone.now()
    if feed.last_used_at is None or feed.last_used_at < now - timedelta(hours=1):
        CalendarFeedToken.objects.filter(pk=feed.pk).update(last_used_at=now)
    lang = request_language(request, default=getattr(feed.user, "language", ""))
    with translation.override(lang):
        name = _("My Spanglish events")
    body = feed_ics(member_feed_events(user=feed.user), name=name, language=lang)
    response = _ics_response(body)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _track_url(event, kind: str, lang: str, extra: str = "") -> str:
    path = reverse(
        "calendars:track", kwargs={"public_id": event.public_id, "kind": kind}
    )
    return f"{path}?lang={lang}{extra}"


def default_labels() -> dict:
    # Short: three calendar buttons share one row of the widget.
    return {
        "google": _("Google"),
        "outlook": _("Outlook"),
        "ics": _("Apple / .ics"),
        "ticket": _("Get a ticket"),
    }


@require_safe
@embeddable
def widget(request, public_id):
    """An event's card for partner sites: date, place, price, seats left, "Get a
    ticket" and (for events still to come) the calendar buttons."""
    event = calendar_event_get(public_id=public_id)
    if event is None:
        raise Http404
    look = widget_look(event=event)
    lang = request_language(request, default=look.language)
    with translation.override(lang):
        labels = default_labels()

        def button(kind: str) -> dict:
            return {
                "kind": kind,
                "label": look.labels[kind] or labels[kind],
                "url": _track_url(event, kind, lang),
            }

        ahead = event.status != EventStatus.CANCELLED and not event.is_past
        ticket = button("ticket") if ahead and "ticket" in look.buttons else None
        calendars = [
            button(kind) for kind in look.buttons if kind != "ticket" and ahead
        ]
        response = render(
            request,
            "calendars/widget.html",
            {
                "event": event,
                "title": event.title,
                "lang": lang,
                "colors": look.colors,
                "ticket_button": ticket,
                "calendar_buttons": calendars,
                "show_seats": event.is_bookable,
                "is_past": event.is_past,
            },
        )
    response["Content-Language"] = lang
    # Partner pages are viewed by many; a minute of staleness in seats left is fine.
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
@embeddable
def track(request, public_id, kind):
    """Record one click and redirect (302). Unknown type or event: 404, nothing kept."""
    if kind not in ClickType.values:
        raise Http404
    if over_rate_limit(request):
        response = HttpResponse(
            _("Too many requests; try again in a minute."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(rate_limit()[1])
        return response
    lang = request_language(request)
    targets = tracking_targets(public_id=public_id, language=lang)
    if targets is None:
        raise Http404
    if request.method == "GET":  # HEAD probes (link checkers) are not clicks
        services.click_record(
            event_id=targets["pk"], type=kind, visitor=visitor_hash(request)
        )
    target_key = kind
    if kind == ClickType.OUTLOOK and request.GET.get("to") == "office":
        target_key = "outlook_office"
    response = HttpResponseRedirect(targets[target_key])
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def privacy(request):
    """What click tracking keeps (wired under the language prefix by the site URLs)."""
    limit, seconds = rate_limit()
    periods = {1: _("second"), 60: _("minute"), 3600: _("hour"), 86400: _("day")}
    return render(
        request,
        "calendars/privacy_tracking.html",
        {"track_limit": limit, "track_period": periods[seconds]},
    )
