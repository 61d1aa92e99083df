"""The dashboard (the admin's index for organizers and admins) and the report
page. Both run inside Django Admin: backoffice/urls.py wraps them in the admin
site's `admin_view` (staff, signed in, two-factor step done); organizers and
admins only past that — plain staff get Django's own index, and a 403 here."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backoffice.forms import FORMS, SalesReportForm
from backoffice.selectors import dashboard as dashboard_data
from backoffice.services import report_export


def _organizer(request) -> bool:
    return bool(getattr(request.user, "is_organizer", False))


@require_GET
def dashboard(request):
    # Django's index keeps its context (app list, site title, each_context) and
    # its permission rules; organizers and admins get it with the dashboard on top.
    response = admin.site.index(request)
    if not _organizer(request):
        return response
    response.template_name = "backoffice/dashboard.html"
    response.context_data.update(
        {"dashboard": dashboard_data(), "title": _("Back office")}
    )
    return response


def _reports_page(request, *, bound=None, status: int = 200) -> TemplateResponse:
    forms = {}
    for key, form_class in FORMS.items():
        if bound is not None and bound.key == key:
            forms[key] = bound
        elif key == SalesReportForm.key and request.GET.get("event"):
            # "Sales report" from an event on the dashboard: that event picked.
            forms[key] = form_class(initial={"event": request.GET["event"]})
        else:
            forms[key] = form_class()
    context = {
        **admin.site.each_context(request),
        "title": _("Reports"),
        "forms": forms,
    }
    request.current_app = admin.site.name
    return TemplateResponse(request, "backoffice/reports.html", context, status=status)


@require_GET
def reports(request):
    if not _organizer(request):
        raise PermissionDenied
    return _reports_page(request)


@require_GET
def report_download(request, key):
    """Validate the report's form: a file when it is valid, the report page with
    the errors (400) when not."""
    if not _organizer(request):
        raise PermissionDenied
    form_class = FORMS.get(key)
    if form_class is None:
        raise Http404
    form = form_class(request.GET)
    if not form.is_valid():
        return _reports_page(request, bound=form, status=400)
    return report_export(
        report=form.report(), fmt=form.cleaned_data["format"], actor=request.user
    )
