"""Visitor pages: start a checkout, and the return page that waits for the webhook."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from payments import services
from payments.models import Payment, PaymentStatus
from payments.payables import payable_handler
from payments.selectors import user_can_see_payment
from spanglish.errors import ConflictError


@require_GET
@never_cache
def payment_start_view(request, ticket_id):
    """A plain link (no form POST, so CSP form-action needs no provider hosts). The
    link names a ticket: its handler says whether this visitor may pay it."""
    handler = payable_handler("ticket")
    ticket = handler.get(ticket_id)
    if ticket is None or not handler.held_by(
        ticket, user=request.user, session=request.session
    ):
        raise Http404
    try:
        payment = services.payment_start(
            kind="ticket",
            payable_id=ticket.pk,
            provider_code=request.GET.get("provider", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(ticket)
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect(ticket)
    return HttpResponseRedirect(payment.checkout_url)


def _visible_payment(request, payment_id) -> Payment:
    payment = get_object_or_404(Payment, pk=payment_id)
    if not user_can_see_payment(
        user=request.user, session=request.session, payment=payment
    ):
        raise Http404
    return payment


@require_GET
@never_cache
def payment_return(request, payment_id):
    """Never confirms anything itself: it shows what the webhooks have recorded."""
    payment = _visible_payment(request, payment_id)
    return render(
        request,
        "payments/payment_detail.html",
        {
            "payment": payment,
            **payment.handler.page_context(payment),
            "waiting": payment.status == PaymentStatus.PENDING and not payment.flagged,
            "cancelled": bool(request.GET.get("cancelled")),
        },
    )


@require_GET
@never_cache
def payment_status(request, payment_id):
    payment = _visible_payment(request, payment_id)
    body = {
        "id": str(payment.pk),
        "status": payment.status,
        "done": payment.status != PaymentStatus.PENDING or payment.flagged,
        **payment.handler.status_fields(payment),
    }
    return JsonResponse(body)
