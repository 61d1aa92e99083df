"""Unsubscribe from news: a link in every bulk email, and RFC 8058 one-click."""

from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from emails.services import news_unsubscribe, user_id_from_unsubscribe_token


# The signed token is the credential: mail clients POST "List-Unsubscribe=One-Click"
# without a session or CSRF token (RFC 8058), and the POST changes nothing but
# withdrawing consent, which anyone holding the link may do.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks for confirmation (link scanners prefetch GETs); POST unsubscribes."""
    user_id = user_id_from_unsubscribe_token(token)
    user = (
        get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user_id
        else None
    )
    if user is None:
        return render(request, "emails/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        news_unsubscribe(user=user)
        return render(request, "emails/unsubscribe.html", {"done": True})
    return render(
        request,
        "emails/unsubscribe.html",
        {"subscribed": user.marketing_consent, "email": user.email},
    )
