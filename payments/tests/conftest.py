from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events.tests.factories import EventFactory
from payments.tests.fakes import (
    mp_signature,
    start_fake_providers,
    stripe_event,
    stripe_signature,
)
from tickets.models import PaymentMethod, TicketStatus
from tickets.payables import ticket_payment_start
from tickets.tests.factories import TicketFactory

STRIPE_WEBHOOK_SECRET = "whsec_test_secret"  # noqa: S105
MP_WEBHOOK_SECRET = "mp_test_webhook_secret"  # noqa: S105


@pytest.fixture
def fake(settings):
    server = start_fake_providers()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = server.base_url
    settings.MERCADOPAGO_ACCESS_TOKEN = "APP_USR-fake-token"
    settings.MERCADOPAGO_WEBHOOK_SECRET = MP_WEBHOOK_SECRET
    settings.MERCADOPAGO_API_BASE = server.base_url
    settings.SITE_URL = "https://spanglish.example"
    yield server
    server.stop()


@pytest.fixture
def held_ticket(db):
    """A visitor's online ticket, seat held, waiting for payment (15 EUR)."""

    def make(**event_kwargs):
        event = EventFactory(
            **{"price": Decimal("15.00"), "currency": "EUR", **event_kwargs}
        )
        return TicketFactory(
            event=event,
            status=TicketStatus.PENDING_PAYMENT,
            payment_method=PaymentMethod.ONLINE,
            hold_expires_at=timezone.now() + timedelta(minutes=15),
        )

    return make


@pytest.fixture
def stripe_payment(fake, held_ticket):
    ticket = held_ticket()
    return ticket_payment_start(ticket=ticket, provider_code="stripe")


@pytest.fixture
def mp_payment(fake, held_ticket):
    ticket = held_ticket()
    return ticket_payment_start(ticket=ticket, provider_code="mercadopago")


@pytest.fixture
def post_stripe(client):
    def send(event_type, obj, *, event_id=None, secret=STRIPE_WEBHOOK_SECRET, path=""):
        payload = stripe_event(event_type, obj, event_id=event_id)
        return client.post(
            path or "/api/payments/webhook/stripe",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_signature(payload, secret),
        )

    return send


@pytest.fixture
def post_mp(client):
    def send(
        data_id,
        *,
        notification_id=None,
        secret=MP_WEBHOOK_SECRET,
        path="",
        request_id=None,
        ts=None,
        body=None,
    ):
        request_id = request_id or f"req-{notification_id or data_id}"
        body = body or {
            "id": notification_id or int(data_id) + 7,
            "type": "payment",
            "action": "payment.updated",
            "data": {"id": str(data_id)},
        }
        return client.post(
            (path or "/api/payments/webhook/mercadopago")
            + f"?data.id={data_id}&type=payment",
            data=body,
            content_type="application/json",
            HTTP_X_SIGNATURE=mp_signature(
                secret=secret, data_id=str(data_id), request_id=request_id, ts=ts
            ),
            HTTP_X_REQUEST_ID=request_id,
        )

    return send
