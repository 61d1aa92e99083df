"""The privacy policy and the terms of service: public pages, in both languages,
stating the rules and periods as this deployment's settings enforce them."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from community import legal


@require_GET
def privacy_policy(request):
    """Anyone may read it (no permission needed: it is public by law)."""
    return render(
        request,
        "community/privacy_policy.html",
        {
            "operator": legal.operator(),
            "processors": legal.processors(),
            "payment_processors": legal.payment_processors(),
            "email_processor": legal.email_processor(),
            "retention": legal.retention_periods(),
            "updated": legal.LEGAL_UPDATED,
        },
    )


@require_GET
def terms(request):
    """Anyone may read them (public)."""
    return render(
        request,
        "community/terms.html",
        {
            "operator": legal.operator(),
            "facts": legal.terms_facts(),
            "updated": legal.LEGAL_UPDATED,
        },
    )
