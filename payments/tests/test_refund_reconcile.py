"""Refund reservations left pending by a crash between the provider's answer and
our settling it: `reconcile_payments` asks the provider and settles or releases
them. The crash is played by reserving (and calling the provider) without
settling, as the process would have left things."""

from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from payments import services
from payments.models import PaymentStatus, Refund, RefundStatus
from payments.providers import get_provider
from payments.services import common, refunds
from tickets.models import Ticket, TicketStatus


def _paid_stripe(fake, payment, post_stripe):
    post_stripe(
        "checkout.session.completed", fake.stripe_pay(payment.provider_reference)
    )
    payment.refresh_from_db()
    return payment


def _paid_mp(fake, payment, post_mp):
    post_mp(fake.mp_pay(payment.provider_reference)["id"])
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    return payment


def _crash_after_provider_call(payment, amount, actor=None):
    """Reserve and call the provider; the process dies before settling."""
    row = refunds._refund_reserve(
        payment=payment, amount=amount, actor=actor, automatic=False
    )
    get_provider(payment.provider).refund(
        payment=row.payment,
        amount=row.amount,
        idempotency_key=row.idempotency_key,
        refund_id=str(row.pk),
    )
    return row


def _crash_before_provider_call(payment, amount):
    return refunds._refund_reserve(
        payment=payment, amount=amount, actor=None, automatic=False
    )


def _age(row, minutes=10):
    Refund.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_stripe_refund_made_before_a_crash_is_settled_once_by_reconcile(
    stripe_payment, fake, post_stripe, organizer
):
    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    row = _crash_after_provider_call(payment, Decimal("15"), actor=organizer)
    _age(row)

    call_command("reconcile_payments")
    call_command("reconcile_payments")

    row.refresh_from_db()
    assert row.status == RefundStatus.SUCCEEDED
    assert row.provider_refund_id == fake.refunds[0]["id"]
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("15")
    assert payment.status == PaymentStatus.REFUNDED
    assert Ticket.objects.get(pk=payment.payable_id).status == TicketStatus.REFUNDED
    assert fake.requests_to("GET", "/v1/refunds")
    assert len(fake.requests_to("POST", "/v1/refunds")) == 1


def test_stripe_reservation_the_provider_never_saw_is_released_by_reconcile(
    stripe_payment, fake, post_stripe, organizer
):
    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    row = _crash_before_provider_call(payment, Decimal("10"))
    _age(row)

    call_command("reconcile_payments")

    row.refresh_from_db()
    assert row.status == RefundStatus.FAILED
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0")
    # What it held can be refunded again.
    payment = services.payment_refund(payment=payment, amount=None, actor=organizer)
    assert payment.refunded_amount == Decimal("15")


def test_a_young_reservation_is_left_alone_while_its_call_may_be_running(
    stripe_payment, fake, post_stripe
):
    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    row = _crash_before_provider_call(payment, Decimal("10"))
    _age(row, minutes=1)

    call_command("reconcile_payments")

    row.refresh_from_db()
    assert row.status == RefundStatus.PENDING
    assert not fake.requests_to("GET", "/v1/refunds")


def test_stripe_refund_still_pending_at_stripe_stays_reserved(
    stripe_payment, fake, post_stripe
):
    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    fake.stripe_refund_status = "pending"
    row = _crash_after_provider_call(payment, Decimal("15"))
    _age(row)

    call_command("reconcile_payments")

    row.refresh_from_db()
    assert row.status == RefundStatus.PENDING
    assert row.provider_refund_id == fake.refunds[0]["id"]
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0")
    # It still counts as used: nothing more can be refunded meanwhile.
    assert common.reserved(payment) == Decimal("15")


def test_mercadopago_refund_made_before_a_crash_is_settled_once_by_reconcile(
    mp_payment, fake, post_mp
):
    payment = _paid_mp(fake, mp_payment, post_mp)
    row = _crash_after_provider_call(payment, Decimal("5"))
    _age(row)

    call_command("reconcile_payments")
    call_command("reconcile_payments")

    row.refresh_from_db()
    assert row.status == RefundStatus.SUCCEEDED
    assert row.provider_refund_id == str(fake.refunds[0]["id"])
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("5")
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert fake.requests_to("GET", f"/v1/payments/{payment.provider_payment_id}/")


def test_mercadopago_reservation_the_provider_never_saw_is_released(
    mp_payment, fake, post_mp
):
    payment = _paid_mp(fake, mp_payment, post_mp)
    row = _crash_before_provider_call(payment, Decimal("5"))
    _age(row)

    call_command("reconcile_payments")

    row.refresh_from_db()
    assert row.status == RefundStatus.FAILED
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0")
    assert payment.status == PaymentStatus.SUCCEEDED


def test_mercadopago_refund_already_counted_by_its_notification_is_not_matched(
    mp_payment, fake, post_mp, admin_user
):
    payment = _paid_mp(fake, mp_payment, post_mp)
    # A 5 refunded in MercadoPago's panel, counted from the payment notification.
    mp = fake.mp_payments[payment.provider_payment_id]
    mp["transaction_amount_refunded"] = 5
    fake.refunds.append(
        {"id": 999, "payment_id": mp["id"], "amount": 5, "status": "approved"}
    )
    post_mp(mp["id"], request_id="req-panel-refund")
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("5")
    # Then our own 5 is reserved and the process dies before calling MercadoPago.
    row = _crash_before_provider_call(payment, Decimal("5"))
    _age(row)

    call_command("reconcile_payments")

    row.refresh_from_db()
    assert row.status == RefundStatus.FAILED
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("5")
