"""Concurrent webhooks and refunds: threads on their own database connections,
released together by a barrier, committing for real (transaction=True).

On SQLite these tests are skipped: SQLite serialises every write, so they could
not notice a removed row lock. They run on PostgreSQL in CI (`.ci/run` runs the
suite on both databases).
"""

import threading
from decimal import Decimal

import pytest
import stripe
from django.db import connection
from rest_framework.test import APIClient

from community.models import AuditLog
from payments.models import PaymentNotification, PaymentStatus
from payments.providers.base import Notification
from payments.providers.stripe import _session_state
from payments.services import payment_handle_notification
from tickets.payables import ticket_payment_start


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_deliveries_confirm_once(fake, held_ticket):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")

    payment = ticket_payment_start(ticket=held_ticket(), provider_code="stripe")
    session = fake.stripe_pay(payment.provider_reference)
    stripe_session = stripe.StripeObject.construct_from(session, "sk_test_fake")
    barrier = threading.Barrier(4)
    results = []

    def deliver(event_id):
        try:
            barrier.wait()
            results.append(
                payment_handle_notification(
                    provider_code="stripe",
                    notification=Notification(
                        event_id=event_id,
                        event_type="checkout.session.completed",
                        state=_session_state(stripe_session),
                    ),
                )
            )
        finally:
            connection.close()

    # Two replays of one event and two different events saying the same thing.
    threads = [
        threading.Thread(target=deliver, args=(eid,))
        for eid in ("evt_a", "evt_a", "evt_b", "evt_c")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert sorted(results).count("succeeded") == 1
    assert PaymentNotification.objects.count() == 3
    assert AuditLog.objects.filter(action="payment.succeeded").count() == 1


def _paid(fake, held_ticket, price: str):

    payment = ticket_payment_start(
        ticket=held_ticket(price=Decimal(price)), provider_code="stripe"
    )
    session = fake.stripe_pay(payment.provider_reference)
    payment_handle_notification(
        provider_code="stripe",
        notification=Notification(
            event_id=f"evt_{payment.pk}",
            event_type="checkout.session.completed",
            state=_session_state(
                stripe.StripeObject.construct_from(session, "sk_test_fake")
            ),
        ),
    )
    return payment


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_partial_refunds_never_exceed_what_was_paid(
    fake, held_ticket, organizer
):
    """5 + 6 at once on an 8 EUR payment: one reaches the provider, the other is
    refused. Several rounds, because without the row lock a single round can
    still come out right by luck of timing."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    from django.core.exceptions import ValidationError

    from payments import services

    for _ in range(6):
        payment = _paid(fake, held_ticket, "8.00")
        before = len(fake.requests_to("POST", "/v1/refunds"))
        barrier = threading.Barrier(2)
        outcomes = []

        def refund(amount, payment=payment, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                services.payment_refund(
                    payment=payment, amount=Decimal(amount), actor=organizer
                )
                outcomes.append("refunded")
            except ValidationError as exc:
                outcomes.append(" ".join(exc.messages))
            finally:
                connection.close()

        threads = [threading.Thread(target=refund, args=(a,)) for a in ("5", "6")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert "refunded" in outcomes
        assert len(outcomes) == 2
        assert "at most" in next(o for o in outcomes if o != "refunded")
        (sent,) = fake.requests_to("POST", "/v1/refunds")[before:]
        payment.refresh_from_db()
        assert payment.refunded_amount == Decimal(sent.body["amount"]) / 100
        (row,) = payment.refunds.all()
        assert (row.status, row.amount) == ("succeeded", payment.refunded_amount)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_refund_requests_answer_200_and_a_clear_400(
    fake, held_ticket, organizer
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    payment = _paid(fake, held_ticket, "8.00")
    barrier = threading.Barrier(2)
    answers = []

    def refund(amount):
        client = APIClient()
        client.force_authenticate(organizer)
        try:
            barrier.wait()
            answers.append(
                client.post(
                    "/api/payments/refund",
                    {"payment": str(payment.pk), "amount": amount},
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=refund, args=(a,)) for a in ("5.00", "6.00")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(r.status_code for r in answers) == [200, 400]
    refused = next(r for r in answers if r.status_code == 400)
    assert "at most" in str(refused.json())
    assert len(fake.requests_to("POST", "/v1/refunds")) == 1
    payment.refresh_from_db()
    assert payment.refunded_amount in (Decimal("5"), Decimal("6"))
