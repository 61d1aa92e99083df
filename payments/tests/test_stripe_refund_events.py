"""Stripe's refund.created / refund.updated / refund.failed events, alongside
charge.refunded: each Stripe refund (re_…) is one Refund row, counted once."""

from decimal import Decimal

from community.models import AuditLog
from payments import services
from payments.models import PaymentNotification, PaymentStatus, Refund, RefundStatus
from payments.services import refunds
from tickets.models import Ticket, TicketStatus


def _paid(fake, payment, post_stripe):
    post_stripe(
        "checkout.session.completed", fake.stripe_pay(payment.provider_reference)
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    return payment


def _charge(payment, amount_refunded: int) -> dict:
    return {
        "id": "ch_1",
        "object": "charge",
        "amount": 1500,
        "amount_refunded": amount_refunded,
        "currency": "eur",
        "payment_intent": payment.provider_payment_id,
        "metadata": {},
        "refunded": amount_refunded >= 1500,
    }


def test_dashboard_refund_reported_by_refund_created_is_recorded_once(
    stripe_payment, fake, post_stripe
):
    payment = _paid(fake, stripe_payment, post_stripe)
    refund = fake.stripe_refund(payment.provider_payment_id, amount=400)

    first = post_stripe("refund.created", refund)
    # Stripe sends refund.updated for the same refund, and retries refund.created.
    post_stripe("refund.updated", refund)
    post_stripe("refund.created", refund)

    assert first.json() == {"result": PaymentStatus.PARTIALLY_REFUNDED}
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("4")
    (row,) = payment.refunds.all()
    assert row.provider_refund_id == refund["id"]
    assert row.status == RefundStatus.SUCCEEDED
    assert row.amount == Decimal("4")
    assert row.actor is None
    assert AuditLog.objects.filter(action="payment.refund_recorded").count() == 1
    assert AuditLog.objects.filter(action="payment.refunded").count() == 1


def test_replayed_refund_created_event_answers_duplicate(
    stripe_payment, fake, post_stripe
):
    payment = _paid(fake, stripe_payment, post_stripe)
    refund = fake.stripe_refund(payment.provider_payment_id, amount=400)
    post_stripe("refund.created", refund, event_id="evt_refund_1")
    audit_entries = AuditLog.objects.count()

    replay = post_stripe("refund.created", refund, event_id="evt_refund_1")

    assert replay.json() == {"result": "duplicate"}
    assert AuditLog.objects.count() == audit_entries
    assert PaymentNotification.objects.filter(event_id="evt_refund_1").count() == 1


def test_charge_refunded_then_refund_created_for_one_refund_counts_it_once(
    stripe_payment, fake, post_stripe
):
    payment = _paid(fake, stripe_payment, post_stripe)
    refund = fake.stripe_refund(payment.provider_payment_id, amount=1500)

    post_stripe("charge.refunded", _charge(payment, 1500))
    again = post_stripe("refund.created", refund)

    assert again.json() == {"result": "already_refunded"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("15")
    assert payment.refunds.count() == 1
    assert Ticket.objects.get(pk=payment.payable_id).status == TicketStatus.REFUNDED


def test_refund_created_then_charge_refunded_for_one_refund_counts_it_once(
    stripe_payment, fake, post_stripe
):
    payment = _paid(fake, stripe_payment, post_stripe)
    refund = fake.stripe_refund(payment.provider_payment_id, amount=500)

    post_stripe("refund.created", refund)
    post_stripe("charge.refunded", _charge(payment, 500))

    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("5")
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunds.count() == 1


def test_refund_created_for_our_own_refund_is_not_counted_again(
    stripe_payment, fake, post_stripe, organizer
):
    payment = _paid(fake, stripe_payment, post_stripe)
    services.payment_refund(payment=payment, amount=Decimal("5"), actor=organizer)
    (ours,) = fake.refunds

    post_stripe("refund.created", ours)
    post_stripe("charge.refunded", _charge(payment, 500))

    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("5")
    (row,) = payment.refunds.all()
    assert row.actor == organizer


def test_refund_failed_releases_our_pending_refund_and_counts_no_money(
    stripe_payment, fake, post_stripe, organizer
):
    payment = _paid(fake, stripe_payment, post_stripe)
    fake.stripe_refund_status = "pending"  # a refund Stripe finishes later
    payment = services.payment_refund(payment=payment, amount=None, actor=organizer)
    (row,) = payment.refunds.all()
    assert row.status == RefundStatus.PENDING
    assert payment.refunded_amount == Decimal("0")
    (ours,) = fake.refunds

    answer = post_stripe(
        "refund.failed",
        {**ours, "status": "failed", "failure_reason": "expired_or_canceled_card"},
    )

    assert answer.json() == {"result": "refund_released"}
    row.refresh_from_db()
    assert row.status == RefundStatus.FAILED
    assert row.error == "expired_or_canceled_card"
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0")
    assert payment.status == PaymentStatus.SUCCEEDED
    assert Ticket.objects.get(pk=payment.payable_id).status == TicketStatus.CONFIRMED
    # The released amount can be refunded again.
    fake.stripe_refund_status = "succeeded"
    payment = services.payment_refund(payment=payment, amount=None, actor=organizer)
    assert payment.refunded_amount == Decimal("15")


def test_refund_failed_before_we_stored_stripes_id_releases_by_amount(
    stripe_payment, fake, post_stripe
):
    payment = _paid(fake, stripe_payment, post_stripe)
    # Reserved, the provider's answer not yet back (no Stripe id on our row).
    Refund.objects.create(payment=payment, amount=Decimal("6"), idempotency_key="k")
    other = Refund.objects.create(
        payment=payment, amount=Decimal("2"), idempotency_key="k2"
    )
    failed = fake.stripe_refund(
        payment.provider_payment_id, amount=600, status="failed"
    )

    post_stripe("refund.failed", failed)

    statuses = dict(payment.refunds.values_list("amount", "status"))
    assert statuses == {
        Decimal("6.00"): RefundStatus.FAILED,
        Decimal("2.00"): RefundStatus.PENDING,
    }
    other.refresh_from_db()
    assert other.provider_refund_id == ""
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0")


def test_refund_updated_to_succeeded_settles_our_pending_refund(
    stripe_payment, fake, post_stripe, organizer
):
    payment = _paid(fake, stripe_payment, post_stripe)
    fake.stripe_refund_status = "pending"
    services.payment_refund(payment=payment, amount=None, actor=organizer)
    (ours,) = fake.refunds

    answer = post_stripe("refund.updated", {**ours, "status": "succeeded"})

    assert answer.json() == {"result": PaymentStatus.REFUNDED}
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("15")
    (row,) = payment.refunds.all()
    assert row.status == RefundStatus.SUCCEEDED
    assert Ticket.objects.get(pk=payment.payable_id).status == TicketStatus.REFUNDED
    assert AuditLog.objects.filter(action="payment.refunded", actor=organizer).exists()


def test_refund_event_before_our_settling_is_not_counted_twice(
    stripe_payment, fake, post_stripe
):
    payment = _paid(fake, stripe_payment, post_stripe)
    # Our call reached Stripe; its event arrives before we settle the answer.
    row = Refund.objects.create(
        payment=payment, amount=Decimal("5"), idempotency_key="k"
    )
    answer = fake._stripe_new_refund(
        payment_intent=payment.provider_payment_id,
        amount=500,
        metadata={"payment_id": str(payment.pk), "refund_id": str(row.pk)},
    )
    post_stripe("refund.created", answer)

    payment = refunds._refund_settle(refund=row, answer=answer)

    assert payment.refunded_amount == Decimal("5")
    assert payment.refunds.count() == 1


def test_refund_event_for_another_payment_intent_changes_nothing(
    stripe_payment, fake, post_stripe
):
    payment = _paid(fake, stripe_payment, post_stripe)
    stranger = fake.stripe_refund("pi_someone_else", amount=1500)

    assert post_stripe("refund.created", stranger).json() == {"result": "ignored"}
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0")
    assert not Refund.objects.exists()
