"""Payments are generic over what is paid (payments.payables): the migration from
the old ticket / pass foreign keys, and checkouts opened before it still confirm."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from events.tests.factories import EventFactory
from passes.tests.factories import PassFactory
from payments.models import Payment, PaymentStatus
from payments.tests.fakes import ticket_of
from tickets.models import PaymentMethod, TicketStatus
from tickets.tests.factories import TicketFactory

BEFORE = [("payments", "0005_refund_provider_id_once")]
AFTER = [("payments", "0008_payment_payable_only")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_links_old_payments_and_their_in_flight_checkout_still_confirms(
    fake, post_stripe
):
    old = _migrate(BEFORE)
    OldPayment = old.get_model("payments", "Payment")
    # Events and tickets are at their latest state: only payments went back.
    event = EventFactory(price=Decimal("15.00"), currency="EUR")
    ticket = TicketFactory(
        event=event,
        status=TicketStatus.PENDING_PAYMENT,
        payment_method=PaymentMethod.ONLINE,
        hold_expires_at=timezone.now() + timedelta(minutes=40),
    )
    # A checkout opened before the change: the provider holds its old metadata.
    old_payment = OldPayment.objects.create(
        ticket_id=ticket.pk,
        provider="stripe",
        amount=Decimal("15.00"),
        currency="EUR",
        status="pending",
        provider_reference="cs_old_checkout",
        checkout_url="https://checkout.stripe.test/old",
    )
    sold = PassFactory(sold_at_event=event)
    cash_for_pass = OldPayment.objects.create(
        pass_purchase_id=sold.pk,
        provider="cash",
        amount=sold.price,
        currency=sold.currency,
        status="succeeded",
    )
    try:
        _migrate(AFTER)
        linked = Payment.objects.get(pk=cash_for_pass.pk)
        assert (linked.payable_kind, linked.payable_id) == ("pass", str(sold.pk))
        assert linked.event_id == event.pk  # counts in that door's cash-up
        payment = Payment.objects.get(pk=old_payment.pk)
        assert (payment.payable_kind, payment.payable_id) == ("ticket", str(ticket.pk))
        assert payment.event_id == event.pk

        # The session as the old code opened it: our ids only in its metadata.
        session = {
            "id": "cs_old_checkout",
            "object": "checkout.session",
            "url": "https://checkout.stripe.test/old",
            "mode": "payment",
            "status": "complete",
            "payment_status": "paid",
            "amount_total": 1500,
            "currency": "eur",
            "client_reference_id": None,
            "payment_intent": "pi_old_checkout",
            "metadata": {"payment_id": str(payment.pk), "ticket_id": str(ticket.pk)},
        }
        assert post_stripe("checkout.session.completed", session).status_code == 200
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.SUCCEEDED
        assert ticket_of(payment).status == TicketStatus.CONFIRMED
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
