from decimal import Decimal

from django.utils import timezone

from community.models import AuditLog
from passes import services
from passes.models import Pass, PassStatus
from payments.models import Payment, PaymentNotification, PaymentStatus, Provider
from payments.tests.fakes import pass_of


def test_stripe_purchase_activates_the_pass_once_even_on_replays(
    fake, product, member, post_stripe
):
    payment = services.pass_purchase_start(
        product=product, buyer=member, provider_code="stripe"
    )
    pass_purchase = pass_of(payment)
    assert pass_purchase.status == PassStatus.PENDING_PAYMENT
    (sent,) = fake.requests_to("POST", "/v1/checkout/sessions")
    assert sent.body["metadata[pass_id]"] == str(pass_purchase.pk)
    assert sent.body["line_items[0][price_data][unit_amount]"] == "10000"
    assert sent.body["line_items[0][price_data][product_data][name]"] == "10 sessions"
    assert sent.body["customer_email"] == member.email

    session = fake.stripe_pay(payment.provider_reference)
    for _ in range(3):  # the same event delivered three times
        response = post_stripe("checkout.session.completed", session, event_id="evt_1")
        assert response.status_code == 200
    # A different event saying the same thing changes nothing either.
    post_stripe("checkout.session.completed", session, event_id="evt_2")

    pass_purchase.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert pass_purchase.status == PassStatus.ACTIVE
    assert pass_purchase.sessions_left == 10
    days = (pass_purchase.expires_at - pass_purchase.activated_at).days
    assert days == 90
    assert PaymentNotification.objects.count() == 2
    assert AuditLog.objects.filter(action="pass.activated").count() == 1


def test_mercadopago_purchase_activates_the_pass_and_replays_change_nothing(
    fake, product, member, post_mp
):
    payment = services.pass_purchase_start(
        product=product, buyer=member, provider_code="mercadopago"
    )
    (sent,) = fake.requests_to("POST", "/checkout/preferences")
    assert sent.body["external_reference"] == str(payment.pk)
    assert sent.body["items"][0]["unit_price"] == 100
    assert sent.body["metadata"]["pass_id"] == str(payment.payable_id)

    mp = fake.mp_pay(payment.provider_reference)
    for _ in range(3):
        assert post_mp(mp["id"], notification_id=555).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert pass_of(payment).status == PassStatus.ACTIVE
    assert AuditLog.objects.filter(action="pass.activated").count() == 1
    assert PaymentNotification.objects.count() == 1


def test_wrong_amount_leaves_the_pass_waiting_and_flags_the_payment(
    fake, product, member, post_stripe
):
    payment = services.pass_purchase_start(
        product=product, buyer=member, provider_code="stripe"
    )
    session = fake.stripe_pay(payment.provider_reference, amount_total=100)
    post_stripe("checkout.session.completed", session)
    payment.refresh_from_db()
    assert payment.flagged
    assert pass_of(payment).status == PassStatus.PENDING_PAYMENT


def test_double_click_reuses_the_open_checkout(fake, product, member):
    first = services.pass_purchase_start(
        product=product, buyer=member, provider_code="stripe"
    )
    second = services.pass_purchase_start(
        product=product, buyer=member, provider_code="stripe"
    )
    assert first.pk == second.pk
    assert len(fake.requests_to("POST", "/v1/checkout/sessions")) == 1
    assert Pass.objects.count() == 1


def test_buy_link_sends_the_member_to_the_checkout(fake, product, member, client):
    client.force_login(member)
    response = client.get(f"/en/passes/buy/{product.pk}/?provider=mercadopago")
    assert response.status_code == 302
    assert response["Location"] == Payment.objects.get().checkout_url


def test_return_page_speaks_of_the_pass(fake, product, member, client, post_stripe):
    payment = services.pass_purchase_start(
        product=product, buyer=member, provider_code="stripe"
    )
    post_stripe(
        "checkout.session.completed", fake.stripe_pay(payment.provider_reference)
    )
    client.force_login(member)
    html = client.get(f"/en/payments/{payment.pk}/").content.decode()
    assert "Your pass is active" in html
    assert "10 sessions" in html
    status = client.get(f"/en/payments/{payment.pk}/status.json").json()
    assert status["pass_status"] == "active"
    assert status["done"] is True


def test_cash_sale_activates_at_once_and_records_the_cash(product, member, volunteer):
    sold = services.pass_sell_cash(product=product, buyer=member, actor=volunteer)
    assert sold.status == PassStatus.ACTIVE
    assert sold.sold_by == volunteer
    assert sold.expires_at > timezone.now()
    payment = sold.payments.get()
    assert payment.provider == Provider.CASH
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.amount == Decimal("100.00")
    assert AuditLog.objects.filter(action="pass.sold_cash", actor=volunteer).exists()
    assert AuditLog.objects.filter(action="payment.cash_recorded").exists()


def test_payment_must_be_for_a_ticket_or_a_pass_never_both_or_neither(db):
    import pytest
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(provider=Provider.CASH, amount=1, currency="EUR")
