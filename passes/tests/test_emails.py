from decimal import Decimal

from community.tests.factories import UserFactory
from emails.models import EmailLog
from events.tests.factories import EventFactory
from passes import services
from payments.tests.fakes import pass_of


def test_online_pass_purchase_emails_one_receipt_even_on_webhook_replays(
    fake, product, member, post_stripe, django_capture_on_commit_callbacks, mailoutbox
):
    payment = services.pass_purchase_start(
        product=product, buyer=member, provider_code="stripe"
    )
    session = fake.stripe_pay(payment.provider_reference)
    with django_capture_on_commit_callbacks(execute=True):
        for event_id in ("evt_1", "evt_1", "evt_2"):
            post_stripe("checkout.session.completed", session, event_id=event_id)

    [message] = mailoutbox
    assert message.to == [member.email]
    assert "10 sessions" in message.subject
    assert "€100.00" in message.body
    assert str(payment.pk) in message.body
    assert "/passes/" in message.body  # link to the buyer's passes
    log = EmailLog.objects.get(template="pass_receipt")
    assert log.user == member


def test_cash_pass_sale_emails_the_buyer_a_receipt_in_their_language(
    product, volunteer, django_capture_on_commit_callbacks, mailoutbox
):
    buyer = UserFactory(language="es")
    with django_capture_on_commit_callbacks(execute=True):
        sold = services.pass_sell_cash(product=product, buyer=buyer, actor=volunteer)

    [message] = mailoutbox
    assert message.to == [buyer.email]
    log = EmailLog.objects.get(template="pass_receipt")
    assert log.language == "es"
    assert str(sold.payments.get().pk) in message.body


def test_refund_of_unused_sessions_emails_the_refunded_amount(
    fake, product, member, organizer, post_stripe, django_capture_on_commit_callbacks
):
    payment = services.pass_purchase_start(
        product=product, buyer=member, provider_code="stripe"
    )
    post_stripe(
        "checkout.session.completed", fake.stripe_pay(payment.provider_reference)
    )
    payment.refresh_from_db()
    for _ in range(3):
        services.pass_book_session(
            pass_=pass_of(payment),
            event=EventFactory(price=Decimal("12")),
            user=member,
        )
    EmailLog.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.pass_refund_unused(pass_=pass_of(payment), actor=organizer)

    log = EmailLog.objects.get(template="pass_refund")
    assert log.to_email == member.email
    assert "€70.00" in log.body_text
    assert "10 sessions" in log.subject
    assert "closed" in log.body_text


def test_no_refund_email_when_nothing_is_refunded(
    product, member, organizer, django_capture_on_commit_callbacks
):
    sold = services.pass_sell_cash(product=product, buyer=member, actor=organizer)
    for _ in range(10):
        services.pass_book_session(
            pass_=sold, event=EventFactory(price=Decimal("12")), user=member
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.pass_refund_unused(pass_=sold, actor=organizer)
    assert not EmailLog.objects.filter(template="pass_refund").exists()
