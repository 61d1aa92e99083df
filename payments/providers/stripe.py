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
    REFUNDED,
    CheckoutStart,
    InvalidSignature,
    Notification,
    PaymentProvider,
    ProviderError,
    ProviderState,
)
from spanglish.currency import from_minor, to_minor

SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}
REFUND_EVENTS = {"charge.refunded"}


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
        elif event.type in REFUND_EVENTS:
            currency = (obj.currency or "").upper()
            intent = getattr(obj, "payment_intent", None)
            state = ProviderState(
                payment_id=_meta(obj, "payment_id"),
                state=REFUNDED,
                currency=currency,
                provider_payment_id=intent if isinstance(intent, str) else "",
                refunded_amount=from_minor(obj.amount_refunded, currency),
                raw=obj.to_dict(),
            )
        return Notification(
            event_id=event.id,
            event_type=event.type,
            state=state,
            payload=event.to_dict(),
        )

    def fetch_state(self, *, payment) -> ProviderState | None:
        if not payment.provider_reference:
            return None
        try:
            session = client().v1.checkout.sessions.retrieve(payment.provider_reference)
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return _session_state(session)

    def refund(self, *, payment, amount, idempotency_key: str) -> dict:
        if not payment.provider_payment_id:
            raise ProviderError("no payment intent recorded for this payment")
        try:
            refund = client().v1.refunds.create(
                {
                    "payment_intent": payment.provider_payment_id,
                    "amount": to_minor(amount, payment.currency),
                    "metadata": {"payment_id": str(payment.pk)},
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return refund.to_dict()

    def cancel_checkout(self, *, payment) -> None:
        try:
            client().v1.checkout.sessions.expire(payment.provider_reference)
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc


provider = StripeProvider()
