from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from events.selectors import event_public_list

PAGE_SIZE = 12


@require_GET
def home(request):
    upcoming = event_public_list().published().upcoming()[:6]
    return render(request, "events/home.html", {"events": upcoming})


@require_GET
def event_list(request):
    show_past = request.GET.get("when") == "past"
    qs = event_public_list()
    qs = qs.past() if show_past else qs.published().upcoming()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/event_list.html",
        {"page": page, "events": page.object_list, "show_past": show_past},
    )


@require_GET
def event_detail(request, slug):
    event = get_object_or_404(event_public_list(), slug=slug)
    return render(request, "events/event_detail.html", {"event": event})


@require_GET
def about(request):
    return render(request, "events/about.html")
