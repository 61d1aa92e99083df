from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from events.caching import public_cached
from events.selectors import event_public_list

PAGE_SIZE = 12


@require_GET
def home(request):
    # The cards are the same for every visitor: rendered once, shared via the cache.
    cards = public_cached(
        "home-cards",
        lambda: render_to_string(
            "events/_home_cards.html",
            {"events": event_public_list().published().upcoming()[:6]},
        ),
    )
    return render(request, "events/home.html", {"cards": mark_safe(cards)})  # noqa: S308


@require_GET
def event_list(request):
    show_past = request.GET.get("when") == "past"
    number = request.GET.get("page") or "1"
    # Anything that is not a page number shows page 1 (as Paginator.get_page does),
    # so junk in the query string cannot fill the cache.
    number = number if number.isdigit() and len(number) < 6 else "1"

    def build() -> str:
        qs = event_public_list()
        qs = qs.past() if show_past else qs.published().upcoming()
        page = Paginator(qs, PAGE_SIZE).get_page(number)
        return render_to_string(
            "events/_event_list_cards.html",
            {"page": page, "events": page.object_list, "show_past": show_past},
        )

    cards = public_cached("list-cards", build, show_past, number)
    return render(
        request,
        "events/event_list.html",
        {"cards": mark_safe(cards), "show_past": show_past},  # noqa: S308
    )


@require_GET
def event_detail(request, slug):
    # The event with its seat count comes from the shared cache; what depends on the
    # visitor (their ticket, the booking form's CSRF token) is rendered per request.
    event = public_cached(
        "event", lambda: event_public_list().filter(slug=slug).first(), slug
    )
    if event is None:
        raise Http404
    return render(request, "events/event_detail.html", {"event": event})


@require_GET
def about(request):
    return render(request, "events/about.html")
