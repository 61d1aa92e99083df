"""Project-wide views: error pages that speak JSON under /api/ (the health probes
are operations' views)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from spanglish.api.exceptions import json_error_response
from spanglish.unavailable import unavailable_response_for_current_exception


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _is_api(request):
        return json_error_response(404, "not_found", _("Not found."))
    return render(request, "404.html", status=404)


def server_error(request):
    # A lost database raised inside a middleware (session, user) lands here.
    if unavailable := unavailable_response_for_current_exception(request):
        return unavailable
    if _is_api(request):
        return json_error_response(
            500,
            "server_error",
            _("Something went wrong on our side. Please try again."),
        )
    return render(request, "500.html", status=500)


def permission_denied(request, exception=None):
    if _is_api(request):
        return json_error_response(403, "permission_denied", _("You may not do this."))
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    if _is_api(request):
        return json_error_response(400, "bad_request", _("Bad request."))
    return render(request, "400.html", status=400)
