"""Whole public pages shared between visitors, with each visitor's parts filled in
per response.

A public page differs between anonymous first-time visitors only in the CSRF token
of its forms and the CSP nonce. So the page is rendered once with two markers in
their place (stored through events.caching.public_cached: keyed by the public
version, language, time zone, host and URL, so a saved event, ticket, image or
series shows at once and anything else within PUBLIC_CACHE_SECONDS), and every
response swaps in this visitor's own token and nonce with plain string replacement.

Whoever may see a different page gets the page rendered for them as before: a
signed-in member (menu, their ticket, their pass), a browser that booked or opened
a ticket or waiting-list link (kept in its session), a pending flash message, any
POST. They are told apart by their cookies alone, failing closed: a request that
carries any cookie beyond the CSRF and language ones is rendered personally, so a
cookie some app adds later can never leak into, or be missed by, a shared page.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac

from events.caching import public_cached


@functools.cache
def _marker(name: str) -> str:
    # The same on every host (the cache is shared), unguessable for anyone without the
    # secret key, so text an organizer types can never turn into a visitor's token.
    return (
        "pc"
        + salted_hmac("events.page_cache", name, algorithm="sha256").hexdigest()[:30]
    )


def csrf_marker() -> str:
    return _marker("csrf")


def nonce_marker() -> str:
    return _marker("nonce")


def _harmless_cookies() -> set[str]:
    return {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}


def is_shareable(request, *, query_ok: bool = False) -> bool:
    """True when this visitor sees exactly what any anonymous newcomer sees.

    A query string makes the page personal unless the view vouches for it
    (`query_ok`): junk in the URL must not fill the cache with copies."""
    if request.method != "GET" or (request.GET and not query_ok):
        return False
    if not set(request.COOKIES) <= _harmless_cookies():
        return False  # a session (signed in, booked, messages) or anything unknown
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def shared_render(
    request,
    name: str,
    template: str,
    build_context: Callable[[], dict],
    query_ok: bool = False,
) -> HttpResponse:
    """`render(request, template, build_context())`, shared between visitors when
    they may be (see is_shareable). `build_context` runs only when the page is
    rendered; Http404 raised there passes through and nothing is cached."""
    if (
        not is_shareable(request, query_ok=query_ok)
        or settings.PUBLIC_CACHE_SECONDS <= 0
    ):
        return render(request, template, build_context())

    csrf, nonce = csrf_marker(), nonce_marker()

    def build() -> str:
        context = build_context()
        # On top of the context processors' values: the markers stand in for this
        # visitor's token and nonce, and the page shows nobody signed in, no messages.
        context.update(
            {
                "csrf_token": csrf,
                "csp_nonce": nonce,
                "user": AnonymousUser(),
                "messages": (),
            }
        )
        return render_to_string(template, context, request=request)

    html = public_cached(
        "page", build, name, request.get_host(), request.get_full_path()
    )
    if csrf in html:
        html = html.replace(csrf, get_token(request))  # also sets the CSRF cookie
    if nonce in html:
        # Reading the nonce makes the CSP middleware put it in the header.
        html = html.replace(nonce, str(get_nonce(request) or ""))
    response = HttpResponse(html)
    # Whoever brings a session gets another page: no shared copy may answer them.
    patch_vary_headers(response, ("Cookie",))
    # Lets tests and operators tell a shared page from a personal one.
    response["X-Page-Cache"] = "shared"
    return response
