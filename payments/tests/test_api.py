from decimal import Decimal

import pytest

from payments import services
from payments.models import PaymentStatus
from payments.selectors import online_providers
from payments.tests.fakes import STRIPE_CHECKOUT_HOST, ticket_of
from tickets.models import TicketStatus
from tickets.payables import ticket_payment_record_cash, ticket_payments


def test_only_providers_with_keys_are_offered(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.MERCADOPAGO_ACCESS_TOKEN = ""
    assert online_providers() == []
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert [code for code, _ in online_providers()] == ["stripe"]
    settings.MERCADOPAGO_ACCESS_TOKEN = "APP_USR-x"
    assert [code for code, _ in online_providers()] == ["stripe", "mercadopago"]


def test_holder_initiates_payment(fake, held_ticket, auth_client):
    ticket = held_ticket()
    response = auth_client(ticket.user).post(
        "/api/payments/initiate", {"ticket": str(ticket.pk), "provider": "stripe"}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "status", "checkout_url"}
    assert body["status"] == "pending"
    assert body["checkout_url"].startswith(STRIPE_CHECKOUT_HOST)


def test_initiate_twice_reuses_the_open_checkout(fake, held_ticket, auth_client):
    ticket = held_ticket()
    client = auth_client(ticket.user)
    data = {"ticket": str(ticket.pk), "provider": "mercadopago"}
    first = client.post("/api/payments/initiate/", data).json()
    second = client.post("/api/payments/initiate", data).json()
    assert first["id"] == second["id"]
    assert len(fake.requests_to("POST", "/checkout/preferences")) == 1


def test_guest_holder_initiates_through_session(fake, held_ticket, client):
    ticket = held_ticket()
    session = client.session
    session["tickets_held"] = [str(ticket.pk)]  # tickets.access
    session.save()
    response = client.post(
        "/api/payments/initiate",
        {"ticket": str(ticket.pk), "provider": "stripe"},
        content_type="application/json",
    )
    assert response.status_code == 201


def test_initiate_refused_for_strangers(
    fake, held_ticket, auth_client, member, api_client
):
    ticket = held_ticket()
    data = {"ticket": str(ticket.pk), "provider": "stripe"}
    assert auth_client(member).post("/api/payments/initiate", data).status_code == 404
    assert api_client.post("/api/payments/initiate", data).status_code == 404
    assert not fake.requests


def test_initiate_with_unconfigured_provider_is_refused(
    fake, held_ticket, auth_client, settings
):
    settings.MERCADOPAGO_ACCESS_TOKEN = ""
    ticket = held_ticket()
    response = auth_client(ticket.user).post(
        "/api/payments/initiate", {"ticket": str(ticket.pk), "provider": "mercadopago"}
    )
    assert response.status_code == 400
    assert "provider" in response.json()["error"]["fields"]


def test_initiate_for_confirmed_ticket_conflicts(fake, held_ticket, auth_client):
    ticket = held_ticket()
    ticket.status = TicketStatus.CONFIRMED
    ticket.save()
    response = auth_client(ticket.user).post(
        "/api/payments/initiate", {"ticket": str(ticket.pk), "provider": "stripe"}
    )
    assert response.status_code == 409


def test_provider_down_answers_conflict_and_cancels_payment(
    fake, held_ticket, auth_client
):
    ticket = held_ticket()
    fake.fail_next = 500
    response = auth_client(ticket.user).post(
        "/api/payments/initiate", {"ticket": str(ticket.pk), "provider": "mercadopago"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "provider_unavailable"
    assert ticket_payments(ticket).get().status == PaymentStatus.CANCELLED


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 200),
        # Anyone else: 404, as for a payment that does not exist.
        ("member", 404),
        ("volunteer", 404),
        ("organizer", 200),
        ("admin_user", 200),
        ("anonymous", 404),
    ],
)
def test_payment_detail_permissions(
    who, expected, stripe_payment, auth_client, api_client, request
):
    if who == "anonymous":
        client = api_client
    elif who == "owner":
        client = auth_client(ticket_of(stripe_payment).user)
    else:
        client = auth_client(request.getfixturevalue(who))
    response = client.get(f"/api/payments/{stripe_payment.pk}")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["amount"] == "15.00"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("member", 403), ("volunteer", 403), ("organizer", 200), ("admin_user", 200)],
)
def test_refund_permissions(
    who, expected, stripe_payment, fake, post_stripe, auth_client, request
):
    post_stripe(
        "checkout.session.completed", fake.stripe_pay(stripe_payment.provider_reference)
    )
    client = auth_client(request.getfixturevalue(who))
    response = client.post(
        "/api/payments/refund", {"payment": str(stripe_payment.pk), "amount": "4.50"}
    )
    assert response.status_code == expected
    stripe_payment.refresh_from_db()
    if expected == 200:
        assert response.json()["status"] == "partially_refunded"
        assert stripe_payment.refunded_amount == Decimal("4.50")
    else:
        assert stripe_payment.refunded_amount == 0
        assert not fake.requests_to("POST", "/v1/refunds")


def test_owner_cannot_refund_themselves(stripe_payment, auth_client):
    client = auth_client(ticket_of(stripe_payment).user)
    response = client.post("/api/payments/refund", {"payment": str(stripe_payment.pk)})
    assert response.status_code == 403


def test_refunding_an_unpaid_payment_conflicts(stripe_payment, auth_client, organizer):
    response = auth_client(organizer).post(
        "/api/payments/refund/", {"payment": str(stripe_payment.pk)}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_refundable"


def test_cash_refund_needs_no_provider(db, organizer, volunteer):
    from tickets.models import PaymentMethod
    from tickets.tests.factories import TicketFactory

    ticket = TicketFactory(payment_method=PaymentMethod.DOOR, amount_due=Decimal("8"))
    payment = ticket_payment_record_cash(
        ticket=ticket, amount=Decimal("8"), actor=volunteer
    )
    payment = services.payment_refund(payment=payment, amount=None, actor=organizer)
    assert payment.status == PaymentStatus.REFUNDED
