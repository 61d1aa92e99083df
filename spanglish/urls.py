"""Root URLs.

Visitor pages live under /es/ and /en/ (i18n_patterns); the API, webhooks, health
probes and embeddable routes are language-neutral.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from calendars import views as calendars_views
from door import checkin_urls as door_checkin_urls
from door import views as door_views
from operations import views as operations_views
from spanglish import staging
from tickets import urls as tickets_urls

handler400 = "spanglish.views.bad_request"
handler403 = "spanglish.views.permission_denied"
handler404 = "spanglish.views.page_not_found"
handler500 = "spanglish.views.server_error"

api_patterns = [
    path("", include("community.api.urls")),
    path("", include("events.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("passes.api.urls")),
    path("", include("calendars.api.urls")),
    path("", include("door.api.urls")),
    path("", include("backoffice.api.urls")),
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(
        r"^docs/?$",
        # Swagger UI sets inline styles from its own (local, nonce-free) script;
        # scripts stay locked down.
        csp_override(
            {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
        )(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="docs",
    ),
]

urlpatterns = [
    path("healthz", operations_views.healthz, name="healthz"),
    path("readyz", operations_views.readyz, name="readyz"),
    path("robots.txt", staging.robots_txt, name="robots"),
    path("api/", include(api_patterns)),
    # Language-neutral, embeddable and machine routes (calendar files, widget, tracking).
    path("", include("calendars.urls")),
    path("", include("operations.urls")),
    # The door check-in page's service worker: at the root so its scope may cover
    # /<lang>/tickets/door/ (it sends Service-Worker-Allowed).
    path("door-sw.js", door_views.service_worker, name="door-sw"),
    # The back office's dashboard is the admin's index ("" here answers /admin/
    # before the site's own index does) and its report pages live beside it. The
    # admin site class is community's, far below; it may not import backoffice,
    # and AdminSite has no hook for the index's context, while the composition root
    # already names every app's URLs: so the route is chosen here. The dashboard
    # view still runs the site's own index (context, permissions) and only adds to it.
    path("admin/", include("backoffice.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", include("events.urls")),
    path("account/", include("community.urls")),
    # One "tickets" namespace: the seat pages, the door check-in pages (their names
    # predate the door app) and a member's own tickets under account/.
    path(
        "",
        include(
            (
                [
                    path(
                        "tickets/",
                        include(
                            tickets_urls.urlpatterns + door_checkin_urls.urlpatterns
                        ),
                    ),
                    path("account/", include(tickets_urls.account_urlpatterns)),
                ],
                "tickets",
            )
        ),
    ),
    path("door/", include("door.urls")),
    path("payments/", include("payments.urls")),
    path("passes/", include("passes.urls")),
    path("email/", include("emails.urls")),
    # The privacy policy and terms (community), and the calendar-button notice the
    # policy links to (calendars).
    path("", include("community.legal_urls")),
    path(
        "privacy/calendar-buttons/",
        calendars_views.privacy,
        name="privacy-tracking",
    ),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
