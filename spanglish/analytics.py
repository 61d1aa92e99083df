"""Optional, privacy-friendly visit counts (Plausible), off unless PLAUSIBLE_DOMAIN is
set.

Only public pages load the script: a visitor's account, ticket, payment and door pages
carry signed links and names that no third party should see, even as a path. The
script's origin is added to `script-src` and `connect-src` of exactly the responses
that load it, so every other page keeps the plain policy.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

# Public pages, by URL namespace or by URL name (names outside any namespace).
PUBLIC_NAMESPACES = {"events"}
PUBLIC_URL_NAMES = {"privacy", "privacy-tracking", "terms"}
# Public routes that are not pages.
NOT_PAGES = {"events:series-calendar"}


@dataclass(frozen=True)
class Analytics:
    domain: str
    script_url: str

    @property
    def origin(self) -> str:
        """The script's origin, "" when it is served from this site."""
        parts = urlsplit(self.script_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def is_public_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name in NOT_PAGES:
        return False
    if match.namespace:
        return match.namespace in PUBLIC_NAMESPACES
    return match.url_name in PUBLIC_URL_NAMES


def analytics_for(request) -> Analytics | None:
    """The analytics this request's page loads, or None."""
    if not settings.PLAUSIBLE_DOMAIN or not is_public_page(request):
        return None
    return Analytics(
        domain=settings.PLAUSIBLE_DOMAIN, script_url=settings.PLAUSIBLE_SCRIPT_URL
    )


def analytics(request) -> dict:
    """Context processor: `analytics` for base.html's script tag."""
    return {"analytics": analytics_for(request)}


def _widened(config: dict, origin: str) -> dict:
    widened = dict(config)
    for directive in ("script-src", "connect-src"):
        sources = list(widened.get(directive, []))
        if origin not in sources:
            sources.append(origin)
        widened[directive] = sources
    return widened


class AnalyticsCSPMiddleware:
    """Adds the analytics origin to the CSP of the pages that load the script. Sits
    inside django's CSP middleware, which builds the header from `_csp_config`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        found = analytics_for(request)
        if (
            found is not None
            and found.origin
            and response.get("Content-Type", "").startswith("text/html")
        ):
            config = getattr(response, "_csp_config", settings.SECURE_CSP)
            if config:
                response._csp_config = _widened(config, found.origin)
        return response
