"""Local stand-ins for Stripe's and MercadoPago's HTTP APIs, plus real webhook signing.

The real client code runs against them (stripe.StripeClient pointed at
STRIPE_API_BASE, our MercadoPago client at MERCADOPAGO_API_BASE); every request is
recorded so tests can assert what we sent. Reusable by browser tests:

    fake = start_fake_providers()          # fake.base_url → "http://127.0.0.1:PORT"
    settings.STRIPE_API_BASE = settings.MERCADOPAGO_API_BASE = fake.base_url
    ...
    fake.stop()
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

STRIPE_CHECKOUT_HOST = "https://checkout.stripe.test"
MP_CHECKOUT_HOST = "https://www.mercadopago.test"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    headers: dict
    body: dict = field(default_factory=dict)


class FakeProviders:
    def __init__(self):
        self.requests: list[Recorded] = []
        self.stripe_sessions: dict[str, dict] = {}
        self.mp_preferences: dict[str, dict] = {}
        self.mp_payments: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.stripe_refund_status = "succeeded"  # what a new Stripe refund reports
        self.fail_next: int | None = None  # answer the next request with this status
        self._idempotent: dict[str, tuple[int, dict]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeProviders":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def requests_to(self, method: str, path_start: str) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if r.method == method and r.path.startswith(path_start)
        ]

    # --- What a payer does at the provider --------------------------------------------

    def stripe_pay(self, session_id: str, *, amount_total: int | None = None) -> dict:
        """The payer completed the Checkout Session: returns the session as Stripe would."""
        session = self.stripe_sessions[session_id]
        session.update(
            status="complete",
            payment_status="paid",
            payment_intent=session.get("payment_intent")
            or f"pi_test_{next(self._ids)}",
        )
        if amount_total is not None:
            session["amount_total"] = amount_total
        return dict(session)

    def mp_pay(
        self,
        preference_id: str,
        *,
        status: str = "approved",
        amount=None,
        currency: str | None = None,
    ) -> dict:
        """The payer paid a preference: creates the MercadoPago payment resource."""
        pref = self.mp_preferences[preference_id]
        item = pref["items"][0]
        payment_id = str(1_000_000 + next(self._ids))
        self.mp_payments[payment_id] = {
            "id": int(payment_id),
            "status": status,
            "status_detail": "accredited" if status == "approved" else status,
            "transaction_amount": item["unit_price"] if amount is None else amount,
            "transaction_amount_refunded": 0,
            "currency_id": currency or item["currency_id"],
            "external_reference": pref["external_reference"],
            "date_created": time.strftime("%Y-%m-%dT%H:%M:%S.000-04:00"),
        }
        return self.mp_payments[payment_id]

    def stripe_refund(
        self, payment_intent: str, *, amount: int, status: str = "succeeded"
    ) -> dict:
        """Someone refunded in Stripe's dashboard: returns the Refund as Stripe would."""
        refund = self._stripe_new_refund(
            payment_intent=payment_intent, amount=amount, metadata={}, status=status
        )
        return dict(refund)

    def _stripe_new_refund(
        self, *, payment_intent, amount: int, metadata: dict, status=""
    ) -> dict:
        refund = {
            "id": f"re_test_{next(self._ids)}",
            "object": "refund",
            "amount": amount,
            "payment_intent": payment_intent,
            "currency": "eur",
            "status": status or self.stripe_refund_status,
            "metadata": metadata,
            "created": int(time.time()),
        }
        self.refunds.append(refund)
        return refund

    # --- The HTTP side ----------------------------------------------------------------

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _answer(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{next(fake._ids)}")
                self.end_headers()
                self.wfile.write(data)

            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = dict(parse_qsl(raw, keep_blank_values=True))
                recorded = Recorded(
                    method=self.command,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                with fake._lock:
                    fake.requests.append(recorded)
                    if fake.fail_next:
                        status, fake.fail_next = fake.fail_next, None
                        return self._answer(status, {"error": {"message": "boom"}})
                    key = recorded.headers.get(
                        "idempotency-key"
                    ) or recorded.headers.get("x-idempotency-key")
                    if key and key in fake._idempotent:
                        return self._answer(*fake._idempotent[key])
                    status, answer = fake._route(recorded)
                    if key and self.command == "POST":
                        fake._idempotent[key] = (status, answer)
                return self._answer(status, answer)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        return Handler

    def _route(self, r: Recorded) -> tuple[int, dict]:
        path = r.path.rstrip("/")
        segments = path.strip("/").split("/")
        # Local try-outs: GET /_pay/<session or preference id> plays the payer.
        if r.method == "GET" and segments[0] == "_pay" and len(segments) == 2:
            if segments[1] in self.stripe_sessions:
                return 200, self.stripe_pay(segments[1])
            if segments[1] in self.mp_preferences:
                return 200, self.mp_pay(segments[1])
            return 404, {"error": {"message": "unknown checkout"}}
        # Stripe
        if r.method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._stripe_create_session(r.body)
        if path.startswith("/v1/checkout/sessions/"):
            session = self.stripe_sessions.get(segments[3])
            if session is None:
                return 404, {"error": {"type": "invalid_request_error"}}
            if path.endswith("/expire"):
                if session["status"] == "open":
                    session["status"] = "expired"
                    return 200, session
                return 400, {"error": {"type": "invalid_request_error"}}
            return 200, session
        if r.method == "POST" and path == "/v1/refunds":
            refund = self._stripe_new_refund(
                payment_intent=r.body.get("payment_intent"),
                amount=int(r.body["amount"]),
                metadata={
                    key[len("metadata[") : -1]: value
                    for key, value in r.body.items()
                    if key.startswith("metadata[")
                },
            )
            return 200, refund
        stripe_refunds = [f for f in self.refunds if f.get("object") == "refund"]
        if r.method == "GET" and path == "/v1/refunds":
            intent = r.query.get("payment_intent")
            found = [f for f in stripe_refunds if f["payment_intent"] == intent]
            return 200, {
                "object": "list",
                "url": "/v1/refunds",
                "has_more": False,
                "data": found[::-1],  # newest first, as Stripe lists them
            }
        if r.method == "GET" and path.startswith("/v1/refunds/"):
            found = [f for f in stripe_refunds if f["id"] == segments[2]]
            if not found:
                return 404, {"error": {"type": "invalid_request_error"}}
            return 200, found[0]
        # MercadoPago
        if r.method == "POST" and path == "/checkout/preferences":
            pref_id = f"123456-pref-{next(self._ids)}"
            pref = {
                **r.body,
                "id": pref_id,
                "init_point": f"{MP_CHECKOUT_HOST}/checkout?pref_id={pref_id}",
                "sandbox_init_point": f"{MP_CHECKOUT_HOST}/sandbox?pref_id={pref_id}",
            }
            self.mp_preferences[pref_id] = pref
            return 201, pref
        if r.method == "PUT" and path.startswith("/checkout/preferences/"):
            pref = self.mp_preferences.get(segments[2])
            if pref is None:
                return 404, {"message": "not found"}
            pref.update(r.body)
            return 200, pref
        if r.method == "GET" and path == "/v1/payments/search":
            ref = r.query.get("external_reference")
            results = [
                p for p in self.mp_payments.values() if p["external_reference"] == ref
            ]
            return 200, {"results": results, "paging": {"total": len(results)}}
        if path.startswith("/v1/payments/"):
            payment = self.mp_payments.get(segments[2])
            if payment is None:
                return 404, {"message": "Payment not found", "status": 404}
            if r.method == "GET" and path.endswith("/refunds"):
                return 200, [
                    f for f in self.refunds if f.get("payment_id") == payment["id"]
                ]
            if r.method == "POST" and path.endswith("/refunds"):
                amount = r.body.get("amount", payment["transaction_amount"])
                payment["transaction_amount_refunded"] += amount
                full = (
                    payment["transaction_amount_refunded"]
                    >= payment["transaction_amount"]
                )
                payment["status"] = "refunded" if full else "approved"
                refund = {
                    "id": next(self._ids),
                    "payment_id": payment["id"],
                    "amount": amount,
                    "status": "approved",
                }
                self.refunds.append(refund)
                return 201, refund
            return 200, payment
        return 404, {"error": {"message": f"no fake for {r.method} {path}"}}

    def _stripe_create_session(self, body: dict) -> dict:
        session_id = f"cs_test_{next(self._ids)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"{STRIPE_CHECKOUT_HOST}/c/pay/{session_id}",
            "mode": body.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": int(body["line_items[0][price_data][unit_amount]"]),
            "currency": body["line_items[0][price_data][currency]"],
            "client_reference_id": body.get("client_reference_id"),
            "expires_at": int(body["expires_at"]),
            "payment_intent": None,
            "metadata": {
                key[len("metadata[") : -1]: value
                for key, value in body.items()
                if key.startswith("metadata[")
            },
        }
        self.stripe_sessions[session_id] = session
        return session


def start_fake_providers() -> FakeProviders:
    """Start the fake Stripe + MercadoPago APIs on a random local port."""
    return FakeProviders().start()


# --- Webhooks signed the way the providers sign them -----------------------------------


def stripe_event(event_type: str, obj: dict, *, event_id: str | None = None) -> bytes:
    event = {
        "id": event_id or f"evt_test_{time.monotonic_ns()}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "api_version": "2025-01-27.acacia",
        "data": {"object": obj},
    }
    return json.dumps(event).encode()


def stripe_signature(
    payload: bytes, secret: str, *, timestamp: int | None = None
) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    signed = f"{t}.{payload.decode()}".encode()
    v1 = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


def mp_signature(
    *, secret: str, data_id: str, request_id: str, ts: str | None = None
) -> str:
    ts = ts or str(int(time.time() * 1000))
    data_id = data_id.lower() if data_id.isalnum() else data_id
    manifest = f"id:{data_id};request-id:{request_id};ts:{ts};"
    v1 = hmac.new(secret.encode(), manifest.encode(), hashlib.sha256).hexdigest()
    return f"ts={ts},v1={v1}"


def main(argv: list[str] | None = None) -> int:
    """`python -m payments.tests.fakes --port 8765`: serve the fakes until Ctrl-C."""
    import argparse
    import contextlib
    import errno
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m payments.tests.fakes",
        description="Fake Stripe + MercadoPago APIs on 127.0.0.1, for trying payments "
        "locally without real keys.",
    )
    parser.add_argument("legacy_port", nargs="?", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=8765, help="default: 8765")
    args = parser.parse_args(argv)
    port = args.legacy_port if args.legacy_port is not None else args.port
    fake = FakeProviders()
    fake.server.server_close()
    try:
        fake.server = ThreadingHTTPServer(("127.0.0.1", port), fake._handler_class())
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        print(
            f"Port {port} on 127.0.0.1 is already in use (another stand-in still "
            "running?). Stop it, or choose another port with --port, and point "
            "STRIPE_API_BASE and MERCADOPAGO_API_BASE at it.",
            file=sys.stderr,
        )
        return 2
    print(f"Fake Stripe + MercadoPago APIs on {fake.base_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it stops
        fake.server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def ticket_of(payment):
    """The ticket a payment pays for, read fresh (payments.payables: kind "ticket")."""
    from tickets.models import Ticket

    return Ticket.objects.get(pk=payment.payable_id)


def pass_of(payment):
    """The pass a payment pays for, read fresh (payments.payables: kind "pass")."""
    from passes.models import Pass

    return Pass.objects.get(pk=payment.payable_id)
