"""Visitor pages: my passes, the passes on sale, buying one, using one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from events.models import Event
from passes import selectors, services
from passes.models import PassProduct
from payments.selectors import online_providers
from spanglish.errors import ConflictError, error_text
from tickets.access import remember_ticket


@require_GET
@login_required
@never_cache
def pass_list(request):
    """What is left on each pass, until when, and where it was used."""
    return render(
        request,
        "passes/pass_list.html",
        {"passes": selectors.passes_of(request.user)},
    )


@require_GET
def product_list(request):
    return render(
        request,
        "passes/product_list.html",
        {
            "products": selectors.pass_products_on_sale(),
            "providers": online_providers(),
        },
    )


@require_GET
@login_required
@never_cache
def pass_buy(request, product_id):
    """A plain link (no form POST, so CSP form-action needs no provider hosts)."""
    product = get_object_or_404(PassProduct.objects.on_sale(), pk=product_id)
    try:
        payment = services.pass_purchase_start(
            product=product,
            buyer=request.user,
            provider_code=request.GET.get("provider", ""),
        )
    except (ValidationError, ConflictError) as exc:
        messages.error(request, error_text(exc))
        return redirect("passes:products")
    return HttpResponseRedirect(payment.checkout_url)


@require_POST
@login_required
def pass_use(request, event_id):
    """Book the event with a session of the holder's usable pass."""
    event = get_object_or_404(Event.objects.published(), pk=event_id)
    pass_purchase = selectors.usable_pass_for(request.user, event)
    if pass_purchase is None:
        messages.error(request, _("You have no pass that covers this event."))
        return redirect(event)
    try:
        ticket = services.pass_book_session(
            pass_=pass_purchase, event=event, user=request.user
        )
    except (ValidationError, ConflictError) as exc:
        messages.error(request, error_text(exc))
        return redirect(event)
    remember_ticket(request, ticket)
    messages.success(
        request, _("Your ticket is booked with your pass. We have emailed it to you.")
    )
    return redirect(ticket)
