"""Stripe hosted Checkout Sessions through the official library's StripeClient.

The signed event snapshot is trusted (Stripe signs it with our webhook secret);
reconciliation re-reads the session from the API.
"""

from datetime import datetime

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from payments.providers.base import (
    EXPIRED,
    FAILED,
    PAID,
    PENDING,
    REFUND_FAILED,
    REFUND_PENDING,
    REFUND_SUCCEEDED,
    CheckoutStart,
    InvalidSignature,
    Notification,
    PaymentProvider,
    ProviderError,
    ProviderState,
    RefundState,
)
from spanglish.currency import from_minor, to_minor

SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}
# Each carries one refund (a signed snapshot, trusted like a session's).
REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed"}
# Carries only the charge's refunded total: the refunds themselves are listed from
# the API, so one refund is counted once whichever of these events arrive.
CHARGE_REFUNDED = "charge.refunded"


def client() -> stripe.StripeClient:
    kwargs = {}
    if settings.STRIPE_API_BASE:
        kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE.rstrip("/")}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        http_client=stripe.RequestsClient(timeout=20),
        max_network_retries=2,  # retries reuse our idempotency key
        **kwargs,
    )


def _meta(obj, key: str) -> str:
    metadata = getattr(obj, "metadata", None)
    if metadata is None:
        return ""
    return str(metadata.to_dict().get(key, "") or "")


def _session_state(session) -> ProviderState:
    status = session.status  # open, complete, expired
    if (
        session.payment_status in ("paid", "no_payment_required")
        and status == "complete"
    ):
        state = PAID
    elif status == "expired":
        state = EXPIRED
    else:
        state = PENDING
    currency = (session.currency or "").upper()
    amount_total = getattr(session, "amount_total", None)
    intent = getattr(session, "payment_intent", None)
    return ProviderState(
        payment_id=_meta(session, "payment_id") or (session.client_reference_id or ""),
        state=state,
        amount=from_minor(amount_total, currency) if amount_total is not None else None,
        currency=currency,
        provider_payment_id=intent
        if isinstance(intent, str)
        else getattr(intent, "id", "") or "",
        raw=session.to_dict(),
    )


def _id(value) -> str:
    """An expandable field: an id string, an expanded object or nothing."""
    if isinstance(value, str):
        return value
    return str(getattr(value, "id", "") or "")


def _refund_state(refund) -> RefundState:
    """Normalise a Stripe Refund (status pending, requires_action, succeeded,
    failed or canceled)."""
    status = refund.status
    if status == "succeeded":
        state = REFUND_SUCCEEDED
    elif status in ("failed", "canceled"):
        state = REFUND_FAILED
    else:
        state = REFUND_PENDING
    currency = (getattr(refund, "currency", "") or "EUR").upper()
    return RefundState(
        provider_refund_id=refund.id,
        state=state,
        amount=from_minor(refund.amount, currency),
        payment_id=_meta(refund, "payment_id"),
        provider_payment_id=_id(getattr(refund, "payment_intent", None)),
        refund_id=_meta(refund, "refund_id"),
        error=str(getattr(refund, "failure_reason", "") or status or "")[:500],
        raw=refund.to_dict(),
    )


def _list_refunds(payment_intent: str) -> list[RefundState]:
    try:
        page = client().v1.refunds.list(
            {"payment_intent": payment_intent, "limit": 100}
        )
        return [_refund_state(refund) for refund in page.auto_paging_iter()]
    except stripe.StripeError as exc:
        raise ProviderError(str(exc)) from exc


class StripeProvider(PaymentProvider):
    code = "stripe"
    label = _("Card (Stripe)")

    def is_configured(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY)

    def start_checkout(
        self, *, payment, success_url: str, cancel_url: str, expires_at: datetime
    ) -> CheckoutStart:
        metadata = payment.provider_metadata()
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": to_minor(payment.amount, payment.currency),
                        "product_data": {"name": payment.item_title[:250]},
                    },
                }
            ],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": str(payment.pk),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "expires_at": int(expires_at.timestamp()),
        }
        if payment.payer_email:
            params["customer_email"] = payment.payer_email
        try:
            session = client().v1.checkout.sessions.create(
                params, {"idempotency_key": f"checkout-{payment.pk}"}
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return CheckoutStart(
            reference=session.id, url=session.url, raw=session.to_dict()
        )

    def matches_request(self, request) -> bool:
        return "Stripe-Signature" in request.headers

    def parse_notification(self, *, request) -> Notification:
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise InvalidSignature("STRIPE_WEBHOOK_SECRET is not configured")
        try:
            event = client().construct_event(
                request.body, request.headers.get("Stripe-Signature"), secret
            )
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise InvalidSignature(str(exc)) from exc
        obj = event.data.object
        state = None
        if event.type in SESSION_EVENTS:
            state = _session_state(obj)
            if event.type == "checkout.session.async_payment_failed":
                state.state = FAILED
        refunds, fetch_refunds = None, None
        if event.type in REFUND_EVENTS:
            refunds = [_refund_state(obj)]
        elif event.type == CHARGE_REFUNDED:
            intent = _id(getattr(obj, "payment_intent", None))
            refunds = []
            if intent:

                def fetch_refunds():
                    return _list_refunds(intent)

        return Notification(
            event_id=event.id,
            event_type=event.type,
            state=state,
            payload=event.to_dict(),
            refunds=refunds,
            fetch_refunds=fetch_refunds,
        )

    def fetch_state(self, *, payment) -> ProviderState | None:
        if not payment.provider_reference:
            return None
        try:
            session = client().v1.checkout.sessions.retrieve(payment.provider_reference)
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return _session_state(session)

    def refund(
        self, *, payment, amount, idempotency_key: str, refund_id: str = ""
    ) -> dict:
        if not payment.provider_payment_id:
            raise ProviderError("no payment intent recorded for this payment")
        # Our Refund id rides along, so the refund.* events and reconciliation
        # find the reservation it settles even before we stored Stripe's id.
        metadata = {"payment_id": str(payment.pk)}
        if refund_id:
            metadata["refund_id"] = refund_id
        try:
            refund = client().v1.refunds.create(
                {
                    "payment_intent": payment.provider_payment_id,
                    "amount": to_minor(amount, payment.currency),
                    "metadata": metadata,
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return refund.to_dict()

    def refund_state(self, *, payment, answer: dict) -> RefundState:
        return _refund_state(stripe.Refund.construct_from(answer, None))

    def list_refunds(self, *, payment) -> list[RefundState]:
        if not payment.provider_payment_id:
            return []
        return _list_refunds(payment.provider_payment_id)

    def cancel_checkout(self, *, payment) -> None:
        try:
            client().v1.checkout.sessions.expire(payment.provider_reference)
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc


provider = StripeProvider()
