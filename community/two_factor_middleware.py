"""Holds back signed-in sessions that owe two-factor, before any view runs.

The site's sign-in form and sign-in links never sign in a user with an app without
the code (community.two_factor_views). Every other session that reaches a view
without it (Django Admin's own sign-in form, a session from before the app was set
up) is turned here into a pending sign-in: the site sends it to the code page, the
API sees no session at all (bearer tokens still work). Staff whose role must set up
an app (TWO_FACTOR_REQUIRED_ROLES) can only reach the set-up pages and sign out.

After django_otp's OTPMiddleware, which gives request.user.is_verified().
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect

from community.two_factor import hold_for_code, session_owes

# What a staff member who must set up an app can still open.
SETUP_VIEWS = {
    "community:two_factor",
    "community:two_factor_setup",
    "community:logout",
    "admin:logout",
    "set_language",
}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        owes = session_owes(request)
        if owes is None:
            return None
        is_api = request.path.startswith("/api/")
        if owes == "code":
            page = request.method == "GET" and not is_api
            hold_for_code(request, next_url=request.get_full_path() if page else "")
            return None if is_api else redirect("community:two_factor_verify")
        match = request.resolver_match
        if (match and match.view_name in SETUP_VIEWS) or request.path.startswith(
            (settings.STATIC_URL, settings.MEDIA_URL)
        ):
            return None
        if is_api:
            request.user = AnonymousUser()  # the session does not count; tokens do
            return None
        return redirect("community:two_factor_setup")
