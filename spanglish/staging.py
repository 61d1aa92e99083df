"""A staging copy stays out of search engines: with SITE_NOINDEX every response says
`X-Robots-Tag: noindex, nofollow` and robots.txt disallows everything. Production's
robots.txt keeps crawlers out of the admin and the API only."""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

NOINDEX = "noindex, nofollow"


class NoIndexMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SITE_NOINDEX:
            response["X-Robots-Tag"] = NOINDEX
        return response


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    if settings.SITE_NOINDEX:
        rules = ["User-agent: *", "Disallow: /"]
    else:
        rules = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/"]
    return HttpResponse("\n".join(rules) + "\n", content_type="text/plain")
