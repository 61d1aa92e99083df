from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from community.models import AuditLog
from events.tests.factories import EventFactory
from passes import services
from passes.models import PassStatus
from passes.services import PassNotUsable
from passes.tests.factories import PassProductFactory
from payments.models import PaymentStatus
from payments.tests.fakes import pass_of
from spanglish.errors import ConflictError


def _paid_pass(fake, product, member, post_stripe):
    payment = services.pass_purchase_start(
        product=product, buyer=member, provider_code="stripe"
    )
    post_stripe(
        "checkout.session.completed", fake.stripe_pay(payment.provider_reference)
    )
    payment.refresh_from_db()
    return pass_of(payment), payment


def _use(pass_purchase, member, n):
    for _ in range(n):
        event = EventFactory(price=Decimal("12"))
        services.pass_book_session(pass_=pass_purchase, event=event, user=member)


def test_refund_of_unused_sessions_is_pro_rata_through_stripe_and_closes_the_pass(
    fake, product, member, organizer, post_stripe
):
    pass_purchase, payment = _paid_pass(fake, product, member, post_stripe)
    _use(pass_purchase, member, 3)

    payment = services.pass_refund_unused(pass_=pass_purchase, actor=organizer)

    # 100 EUR * 7 unused / 10 sessions
    assert payment.refunded_amount == Decimal("70.00")
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    (refund,) = fake.requests_to("POST", "/v1/refunds")
    assert refund.body["amount"] == "7000"
    pass_purchase.refresh_from_db()
    assert pass_purchase.status == PassStatus.CLOSED
    with pytest.raises(PassNotUsable):
        services.pass_book_session(
            pass_=pass_purchase, event=EventFactory(price=Decimal("12")), user=member
        )
    entry = AuditLog.objects.get(action="pass.refund_unused")
    assert entry.actor == organizer
    assert entry.changes["amount"] == "70.00"
    # A second click refunds nothing more.
    with pytest.raises(ConflictError):
        services.pass_refund_unused(pass_=pass_purchase, actor=organizer)
    assert len(fake.requests_to("POST", "/v1/refunds")) == 1


def test_refund_through_mercadopago_rounds_down_to_cents(
    fake, member, organizer, post_mp
):
    product = PassProductFactory(sessions=3, price=Decimal("10.00"))
    payment = services.pass_purchase_start(
        product=product, buyer=member, provider_code="mercadopago"
    )
    post_mp(fake.mp_pay(payment.provider_reference)["id"])
    payment.refresh_from_db()
    _use(pass_of(payment), member, 1)
    payment = services.pass_refund_unused(pass_=pass_of(payment), actor=organizer)
    assert payment.refunded_amount == Decimal("6.66")  # 10 * 2 / 3, rounded down
    (refund,) = fake.requests_to("POST", "/v1/payments/")
    assert refund.body["amount"] == 6.66


def test_unused_cash_pass_is_refunded_in_full_and_closed(product, member, organizer):
    sold = services.pass_sell_cash(product=product, buyer=member, actor=organizer)
    payment = services.pass_refund_unused(pass_=sold, actor=organizer)
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("100.00")
    sold.refresh_from_db()
    assert sold.status == PassStatus.CLOSED


def test_unlimited_pass_is_refunded_pro_rata_of_days_left(member, organizer):
    product = PassProductFactory(sessions=None, validity_days=30, price=Decimal("60"))
    sold = services.pass_sell_cash(product=product, buyer=member, actor=organizer)
    sold.expires_at = timezone.now() + timedelta(days=10, hours=1)
    sold.save()
    payment = services.pass_refund_unused(pass_=sold, actor=organizer)
    assert payment.refunded_amount == Decimal("20.00")  # 60 * 10 / 30


def test_expired_pass_is_not_refunded(product, member, organizer):
    sold = services.pass_sell_cash(product=product, buyer=member, actor=organizer)
    sold.expires_at = timezone.now() - timedelta(seconds=1)
    sold.save()
    with pytest.raises(ConflictError, match="expired"):
        services.pass_refund_unused(pass_=sold, actor=organizer)
    sold.refresh_from_db()
    assert sold.status == PassStatus.ACTIVE


def test_provider_failure_reopens_the_pass(
    fake, product, member, organizer, post_stripe
):
    pass_purchase, _payment = _paid_pass(fake, product, member, post_stripe)
    with pytest.raises(ConflictError):
        _refund_failing_everywhere(fake, pass_purchase, organizer)
    pass_purchase.refresh_from_db()
    assert pass_purchase.status == PassStatus.ACTIVE
    assert AuditLog.objects.filter(action="pass.reopened").exists()


def _refund_failing_everywhere(fake, pass_purchase, organizer):
    original = fake._route

    def failing(recorded):
        if recorded.path.startswith("/v1/refunds"):
            return 400, {"error": {"type": "invalid_request_error", "message": "no"}}
        return original(recorded)

    fake.fail_next = None
    fake._route = failing
    try:
        return services.pass_refund_unused(pass_=pass_purchase, actor=organizer)
    finally:
        fake._route = original


def test_full_refund_from_the_payments_side_closes_the_pass(
    fake, product, member, organizer, post_stripe
):
    from payments import services as payment_services

    pass_purchase, payment = _paid_pass(fake, product, member, post_stripe)
    payment_services.payment_refund(payment=payment, amount=None, actor=organizer)
    pass_purchase.refresh_from_db()
    assert pass_purchase.status == PassStatus.CLOSED
