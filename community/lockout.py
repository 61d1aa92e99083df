"""What a locked-out person sees: a clear message, in their language, in the right format."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed sign-in attempts. For your safety, sign-in is blocked for "
        "%(minutes)s minutes. You can also ask for a sign-in link by email."
    ) % {"minutes": minutes}


def lockout_response(request, credentials=None, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "error": {
                    "code": "locked_out",
                    "message": lockout_message(),
                    "fields": {},
                }
            },
            status=429,
        )
    return render(
        request, "community/locked_out.html", {"message": lockout_message()}, status=429
    )


def axes_username(request, credentials=None) -> str:
    """The account an attempt is against, the same key from site, admin and API."""
    credentials = credentials or {}
    post = getattr(request, "POST", {}) or {}
    raw = (
        credentials.get("email")
        or credentials.get("username")
        or post.get("email")
        or post.get("username")
        or ""
    )
    return str(raw).strip().lower()
