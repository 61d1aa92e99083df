"""MercadoPago Checkout Pro, spoken over its REST API with `requests`.

The official SDK (mercadopago 3.6) hard-codes its API address, so it could not be
pointed at MERCADOPAGO_API_BASE for local testing; the few calls we need live in
`MercadoPagoAPI` below. A notification is only a hint: after checking its
signature we fetch the payment from the API and trust only what the API says.
"""

import hashlib
import hmac
import json
import time
from decimal import Decimal

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from payments.providers.base import (
    FAILED,
    PAID,
    PENDING,
    REFUND_FAILED,
    REFUND_PENDING,
    REFUND_SUCCEEDED,
    REFUNDED,
    CheckoutStart,
    InvalidSignature,
    Notification,
    PaymentProvider,
    ProviderError,
    ProviderState,
    RefundState,
)
from spanglish.currency import minor_units

DEFAULT_API_BASE = "https://api.mercadopago.com"
# MercadoPago gives up on a webhook after 22 s; our own call must end well before.
TIMEOUT = (3.05, 10)


class MercadoPagoAPI:
    def __init__(self, access_token: str, base: str = ""):
        self.base = (base or DEFAULT_API_BASE).rstrip("/")
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {access_token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
        )

    def request(self, method: str, path: str, *, body=None, params=None, key=""):
        headers = {"X-Idempotency-Key": key} if key else {}
        try:
            response = self.session.request(
                method,
                self.base + path,
                data=json.dumps(body) if body is not None else None,
                params=params,
                headers=headers,
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise ProviderError(f"MercadoPago unreachable: {exc}") from exc
        if response.status_code >= 400:
            raise ProviderError(
                f"MercadoPago {method} {path} → {response.status_code}: "
                f"{response.text[:300]}"
            )
        return response.json()


def api() -> MercadoPagoAPI:
    return MercadoPagoAPI(
        settings.MERCADOPAGO_ACCESS_TOKEN, settings.MERCADOPAGO_API_BASE
    )


def _wire_amount(amount: Decimal, currency: str) -> int | float:
    # MercadoPago wants a JSON number. Our amounts are exact decimals; they become a
    # number only here, at the wire, already rounded to the currency's minor units.
    places = minor_units(currency)
    amount = amount.quantize(Decimal(1).scaleb(-places))
    return int(amount) if places == 0 else float(amount)


def signature_manifest(*, data_id: str, request_id: str, ts: str) -> str:
    """`id:{data.id};request-id:{x-request-id};ts:{ts};`, absent parts left out."""
    if data_id and data_id.isalnum():
        data_id = data_id.lower()
    parts = []
    if data_id:
        parts.append(f"id:{data_id};")
    if request_id:
        parts.append(f"request-id:{request_id};")
    if ts:
        parts.append(f"ts:{ts};")
    return "".join(parts)


def sign(*, secret: str, data_id: str, request_id: str, ts: str) -> str:
    manifest = signature_manifest(data_id=data_id, request_id=request_id, ts=ts)
    return hmac.new(secret.encode(), manifest.encode(), hashlib.sha256).hexdigest()


def _parse_signature(header: str) -> dict[str, str]:
    values = {}
    for part in (header or "").split(","):
        key, sep, value = part.strip().partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values


def _check_age(ts: str) -> None:
    """Refuse a signature older than MERCADOPAGO_WEBHOOK_TOLERANCE_SECONDS, as the
    stripe library does for Stripe's: a captured notification cannot be replayed
    later. MercadoPago sends `ts` in milliseconds (seconds are accepted too)."""
    try:
        stamp = int(ts)
    except ValueError:
        raise InvalidSignature("ts is not a number") from None
    seconds = stamp / 1000 if stamp > 10**11 else stamp
    if seconds < time.time() - settings.MERCADOPAGO_WEBHOOK_TOLERANCE_SECONDS:
        raise InvalidSignature("signature timestamp outside the tolerance zone")


def _event_id(*, data_id: str, request_id: str, ts: str) -> str:
    """The notification's identity from what the signature covers."""
    event_id = f"{data_id}:{request_id}" if request_id else f"{data_id}:ts:{ts}"
    if len(event_id) > 255:
        event_id = hashlib.sha256(event_id.encode()).hexdigest()
    return event_id


def payment_state(data: dict) -> ProviderState:
    """Normalise a MercadoPago payment resource (GET /v1/payments/{id})."""
    status = data.get("status")
    amount = data.get("transaction_amount")
    amount = Decimal(str(amount)) if amount is not None else None
    refunded = Decimal(str(data.get("transaction_amount_refunded") or 0))
    if status in ("refunded", "charged_back"):
        state = REFUNDED
        refunded = refunded or amount
    elif status == "approved" and refunded > 0:
        state = REFUNDED
    elif status == "approved":
        state = PAID
    elif status in ("rejected", "cancelled"):
        state = FAILED
    else:
        state = PENDING
    return ProviderState(
        payment_id=str(data.get("external_reference") or ""),
        state=state,
        amount=amount,
        currency=str(data.get("currency_id") or "").upper(),
        provider_payment_id=str(data.get("id") or ""),
        refunded_amount=refunded if state == REFUNDED else None,
        raw=data,
    )


def refund_state(data: dict, *, payment_id: str = "") -> RefundState:
    """Normalise a MercadoPago refund (status approved, in_process, rejected,
    cancelled; a refund answered without one was made at once)."""
    status = data.get("status") or "approved"
    if status == "approved":
        state = REFUND_SUCCEEDED
    elif status in ("rejected", "cancelled"):
        state = REFUND_FAILED
    else:
        state = REFUND_PENDING
    amount = data.get("amount")
    return RefundState(
        provider_refund_id=str(data.get("id") or ""),
        state=state,
        amount=Decimal(str(amount)) if amount is not None else Decimal(0),
        provider_payment_id=str(data.get("payment_id") or payment_id),
        error=status if state == REFUND_FAILED else "",
        raw=data,
    )


class MercadoPagoProvider(PaymentProvider):
    code = "mercadopago"
    label = "MercadoPago"

    def is_configured(self) -> bool:
        return bool(settings.MERCADOPAGO_ACCESS_TOKEN)

    def start_checkout(
        self, *, payment, success_url: str, cancel_url: str, expires_at
    ) -> CheckoutStart:
        body = {
            "items": [
                {
                    "id": payment.handler.item_id(payment),
                    "title": payment.item_title[:250],
                    "quantity": 1,
                    "unit_price": _wire_amount(payment.amount, payment.currency),
                    "currency_id": payment.currency,
                }
            ],
            "external_reference": str(payment.pk),
            "metadata": payment.provider_metadata(),
            "back_urls": {
                "success": success_url,
                "pending": success_url,
                "failure": cancel_url,
            },
            "auto_return": "approved",
            "notification_url": settings.SITE_URL
            + reverse("payments-webhook-mercadopago"),
            "expires": True,
            "expiration_date_from": timezone.now().isoformat(timespec="milliseconds"),
            "expiration_date_to": expires_at.isoformat(timespec="milliseconds"),
        }
        if payment.payer_email:
            body["payer"] = {"email": payment.payer_email}
        data = api().request(
            "POST", "/checkout/preferences", body=body, key=f"preference-{payment.pk}"
        )
        url = data.get("init_point", "")
        if settings.MERCADOPAGO_ACCESS_TOKEN.startswith("TEST-"):
            url = data.get("sandbox_init_point") or url
        return CheckoutStart(reference=str(data["id"]), url=url, raw=data)

    def matches_request(self, request) -> bool:
        return "X-Signature" in request.headers

    def parse_notification(self, *, request) -> Notification:
        """Check the signature and its age; the event id is made of the signed
        values only (data.id and x-request-id), so a replay with a rewritten body
        is still recognised. The payment is fetched later, and only for a new
        event (Notification.fetch)."""
        secret = settings.MERCADOPAGO_WEBHOOK_SECRET
        signature = _parse_signature(request.headers.get("X-Signature", ""))
        ts, received = signature.get("ts", ""), signature.get("v1", "")
        data_id = request.GET.get("data.id", "")
        request_id = request.headers.get("X-Request-Id", "")
        if not (secret and ts and received):
            raise InvalidSignature("missing secret, ts or v1")
        expected = sign(secret=secret, data_id=data_id, request_id=request_id, ts=ts)
        if not hmac.compare_digest(expected, received):
            raise InvalidSignature("x-signature does not match")
        _check_age(ts)
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        kind = request.GET.get("type") or payload.get("type") or ""
        fetch = None
        if kind == "payment" and data_id:

            def fetch():
                return payment_state(api().request("GET", f"/v1/payments/{data_id}"))

        return Notification(
            event_id=_event_id(data_id=data_id, request_id=request_id, ts=ts),
            event_type=str(payload.get("action") or kind)[:100],
            state=None,
            payload=payload,
            fetch=fetch,
        )

    def fetch_state(self, *, payment) -> ProviderState | None:
        data = api().request(
            "GET",
            "/v1/payments/search",
            params={"external_reference": str(payment.pk), "sort": "date_created"},
        )
        results = data.get("results") or []
        if not results:
            return None
        approved = [r for r in results if r.get("status") == "approved"]
        return payment_state((approved or results)[-1])

    def refund(
        self, *, payment, amount, idempotency_key: str, refund_id: str = ""
    ) -> dict:
        if not payment.provider_payment_id:
            raise ProviderError("no MercadoPago payment recorded for this payment")
        return api().request(
            "POST",
            f"/v1/payments/{payment.provider_payment_id}/refunds",
            body={"amount": _wire_amount(amount, payment.currency)},
            key=idempotency_key,
        )

    def refund_state(self, *, payment, answer: dict) -> RefundState:
        return refund_state(answer, payment_id=payment.provider_payment_id)

    def list_refunds(self, *, payment) -> list[RefundState]:
        if not payment.provider_payment_id:
            return []
        data = api().request(
            "GET", f"/v1/payments/{payment.provider_payment_id}/refunds"
        )
        return [
            refund_state(item, payment_id=payment.provider_payment_id)
            for item in (data if isinstance(data, list) else [])
        ]

    def cancel_checkout(self, *, payment) -> None:
        now = timezone.now().isoformat(timespec="milliseconds")
        api().request(
            "PUT",
            f"/checkout/preferences/{payment.provider_reference}",
            body={"expires": True, "expiration_date_to": now},
        )


provider = MercadoPagoProvider()
