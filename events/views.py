from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_safe

from events.caching import public_cached
from events.page_cache import shared_render
from events.selectors import event_public_list
from events.share_image import ShareCard, share_png
from events.sharing import (
    event_share_card,
    event_share_meta,
    home_share_meta,
    site_share_card,
)

PAGE_SIZE = 12
# Link previews are fetched by crawlers that come back rarely; the URL carries the
# picture's fingerprint (?v=), so a change is a new URL anyway.
SHARE_IMAGE_MAX_AGE = 24 * 3600


def _cards_queryset():
    # The series row rides along: a session's times are told in its series' zone.
    return event_public_list().select_related("series")


@require_GET
def home(request):
    # The cards are the same for every visitor: rendered once, shared via the cache;
    # so is the whole page for anonymous newcomers (events/page_cache.py).
    def context() -> dict:
        cards = public_cached(
            "home-cards",
            lambda: render_to_string(
                "events/_home_cards.html",
                {"events": _cards_queryset().published().upcoming()[:6]},
            ),
        )
        return {"cards": mark_safe(cards), "share": home_share_meta()}  # noqa: S308

    return shared_render(request, "home", "events/home.html", context)


@require_GET
def event_list(request):
    show_past = request.GET.get("when") == "past"
    number = request.GET.get("page") or "1"
    # Anything that is not a page number shows page 1 (as Paginator.get_page does),
    # so junk in the query string cannot fill the cache.
    number = number if number.isdigit() and len(number) < 6 else "1"

    def build() -> str:
        qs = _cards_queryset()
        qs = qs.past() if show_past else qs.published().upcoming()
        page = Paginator(qs, PAGE_SIZE).get_page(number)
        return render_to_string(
            "events/_event_list_cards.html",
            {"page": page, "events": page.object_list, "show_past": show_past},
        )

    def context() -> dict:
        cards = public_cached("list-cards", build, show_past, number)
        return {"cards": mark_safe(cards), "show_past": show_past}  # noqa: S308

    # The page is shared only for the URLs the site itself links to.
    canonical = (
        set(request.GET) <= {"when", "page"}
        and request.GET.get("page", "1") == number
        and request.GET.get("when", "past") == "past"
    )
    return shared_render(
        request, "list", "events/event_list.html", context, query_ok=canonical
    )


def _public_event(slug: str):
    """A visible event with seats held, banner and series, from the shared cache."""
    return public_cached(
        "event", lambda: _cards_queryset().filter(slug=slug).first(), slug
    )


@require_GET
def event_detail(request, slug):
    # Anonymous newcomers share the whole page, their CSRF token and nonce filled in
    # per response; members and browsers holding a ticket get theirs rendered
    # (events/page_cache.py). The event with its seat count is cached either way.
    def context() -> dict:
        event = _public_event(slug)
        if event is None:
            raise Http404
        return {"event": event, "share": event_share_meta(event)}

    return shared_render(request, "event", "events/event_detail.html", context)


def share_image_response(request, card: ShareCard) -> HttpResponse:
    """The card's PNG, with an ETag so a crawler that asks again gets a 304."""
    etag = f'"{card.fingerprint}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(share_png(card), content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={SHARE_IMAGE_MAX_AGE}"
    return response


@require_safe
def event_share_image(request, slug):
    """The link-preview picture of an event without a banner (any visible event)."""
    event = _public_event(slug)
    if event is None:
        raise Http404
    return share_image_response(request, event_share_card(event))


@require_safe
def home_share_image(request):
    return share_image_response(request, site_share_card())


@require_GET
def about(request):
    return render(request, "events/about.html")
