import threading

import pytest
import stripe
from django.db import connection

from community.models import AuditLog
from payments.models import PaymentNotification, PaymentStatus
from payments.providers.base import Notification
from payments.providers.stripe import _session_state
from payments.services import payment_handle_notification


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_deliveries_confirm_once(fake, held_ticket):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    from payments import services

    payment = services.payment_start(ticket=held_ticket(), provider_code="stripe")
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
