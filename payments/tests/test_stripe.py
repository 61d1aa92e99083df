from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from community.models import AuditLog
from payments.models import Payment, PaymentNotification, PaymentStatus
from payments.tests.fakes import STRIPE_CHECKOUT_HOST, ticket_of
from tickets.models import TicketStatus
from tickets.payables import ticket_payment_start


def test_checkout_session_created_with_idempotency_key_metadata_and_minor_units(
    stripe_payment, fake
):
    (sent,) = fake.requests_to("POST", "/v1/checkout/sessions")
    payment = stripe_payment
    assert sent.headers["idempotency-key"] == f"checkout-{payment.pk}"
    assert sent.headers["authorization"] == "Bearer sk_test_fake"
    assert sent.body["metadata[payment_id]"] == str(payment.pk)
    assert sent.body["metadata[ticket_id]"] == str(payment.payable_id)
    assert sent.body["line_items[0][price_data][unit_amount]"] == "1500"
    assert sent.body["line_items[0][price_data][currency]"] == "eur"
    assert sent.body["success_url"].startswith("https://spanglish.example/")
    assert payment.checkout_url.startswith(STRIPE_CHECKOUT_HOST)
    assert payment.status == PaymentStatus.PENDING


def test_session_expiry_matches_the_seat_hold_stretched_to_stripes_minimum(
    stripe_payment, fake
):
    (sent,) = fake.requests_to("POST", "/v1/checkout/sessions")
    ticket = ticket_of(stripe_payment)
    ticket.refresh_from_db()
    # Stripe refuses sessions expiring in under 30 minutes: the hold grows to match.
    assert int(sent.body["expires_at"]) == int(ticket.hold_expires_at.timestamp())
    assert ticket.hold_expires_at >= timezone.now() + timedelta(minutes=30)
    assert AuditLog.objects.filter(action="ticket.hold_extended").exists()


def test_zero_decimal_currency_sent_in_whole_units(fake, held_ticket):
    from decimal import Decimal

    ticket = held_ticket(price=Decimal("1500"), currency="JPY")
    ticket_payment_start(ticket=ticket, provider_code="stripe")
    (sent,) = fake.requests_to("POST", "/v1/checkout/sessions")
    assert sent.body["line_items[0][price_data][unit_amount]"] == "1500"
    assert sent.body["line_items[0][price_data][currency]"] == "jpy"


def test_completed_and_paid_session_confirms_ticket(stripe_payment, fake, post_stripe):
    session = fake.stripe_pay(stripe_payment.provider_reference)
    response = post_stripe("checkout.session.completed", session)
    assert response.status_code == 200
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.SUCCEEDED
    assert stripe_payment.provider_payment_id == session["payment_intent"]
    assert ticket_of(stripe_payment).status == TicketStatus.CONFIRMED


def test_completed_but_unpaid_session_does_not_confirm(
    stripe_payment, fake, post_stripe
):
    session = dict(fake.stripe_sessions[stripe_payment.provider_reference])
    session.update(status="complete", payment_status="unpaid")
    assert post_stripe("checkout.session.completed", session).status_code == 200
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.PENDING
    assert ticket_of(stripe_payment).status == TicketStatus.PENDING_PAYMENT
    # Later the bank transfer clears.
    session = fake.stripe_pay(stripe_payment.provider_reference)
    post_stripe("checkout.session.async_payment_succeeded", session)
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.SUCCEEDED


def test_bad_signature_is_rejected_and_changes_nothing(
    stripe_payment, fake, post_stripe
):
    session = fake.stripe_pay(stripe_payment.provider_reference)
    response = post_stripe("checkout.session.completed", session, secret="whsec_wrong")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "bad_signature"
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.PENDING
    assert not PaymentNotification.objects.exists()


def test_missing_signature_header_is_rejected(stripe_payment, client):
    response = client.post(
        "/api/payments/webhook/stripe", data={}, content_type="application/json"
    )
    assert response.status_code == 403


def test_replayed_event_ten_times_confirms_once(stripe_payment, fake, post_stripe):
    session = fake.stripe_pay(stripe_payment.provider_reference)
    for _ in range(10):
        response = post_stripe("checkout.session.completed", session, event_id="evt_1")
        assert response.status_code == 200
    assert Payment.objects.filter(status=PaymentStatus.SUCCEEDED).count() == 1
    assert PaymentNotification.objects.count() == 1
    assert AuditLog.objects.filter(action="payment.succeeded").count() == 1
    assert AuditLog.objects.filter(action="ticket.confirmed").count() == 1


def test_late_failure_and_expiry_never_undo_a_success(
    stripe_payment, fake, post_stripe
):
    session = fake.stripe_pay(stripe_payment.provider_reference)
    post_stripe("checkout.session.async_payment_succeeded", session)
    post_stripe(
        "checkout.session.async_payment_failed", {**session, "status": "complete"}
    )
    post_stripe("checkout.session.expired", {**session, "status": "expired"})
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.SUCCEEDED
    assert ticket_of(stripe_payment).status == TicketStatus.CONFIRMED


def test_failure_then_success_ends_paid(stripe_payment, fake, post_stripe):
    session = dict(fake.stripe_sessions[stripe_payment.provider_reference])
    post_stripe("checkout.session.async_payment_failed", session)
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.FAILED
    post_stripe("checkout.session.completed", fake.stripe_pay(session["id"]))
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.SUCCEEDED


def test_amount_mismatch_is_flagged_not_confirmed(stripe_payment, fake, post_stripe):
    session = fake.stripe_pay(stripe_payment.provider_reference, amount_total=100)
    assert post_stripe("checkout.session.completed", session).status_code == 200
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.PENDING
    assert stripe_payment.flagged
    assert "amount mismatch" in stripe_payment.flag_reason
    assert ticket_of(stripe_payment).status == TicketStatus.PENDING_PAYMENT


def test_currency_mismatch_is_flagged(stripe_payment, fake, post_stripe):
    session = fake.stripe_pay(stripe_payment.provider_reference)
    post_stripe("checkout.session.completed", {**session, "currency": "usd"})
    stripe_payment.refresh_from_db()
    assert stripe_payment.flagged
    assert stripe_payment.status == PaymentStatus.PENDING


def test_refund_event_never_moves_back_to_paid(stripe_payment, fake, post_stripe):
    session = fake.stripe_pay(stripe_payment.provider_reference)
    post_stripe("checkout.session.completed", session)
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": 1500,
        "amount_refunded": 1500,
        "currency": "eur",
        "payment_intent": session["payment_intent"],
        "metadata": {},
        "refunded": True,
    }
    fake.stripe_refund(session["payment_intent"], amount=1500)  # in the dashboard
    post_stripe("charge.refunded", charge)
    post_stripe("checkout.session.completed", session)  # a late duplicate, new event id
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.REFUNDED
    assert ticket_of(stripe_payment).status == TicketStatus.REFUNDED


def test_generic_webhook_path_recognises_stripe(stripe_payment, fake, post_stripe):
    session = fake.stripe_pay(stripe_payment.provider_reference)
    response = post_stripe(
        "checkout.session.completed", session, path="/api/payments/webhook"
    )
    assert response.status_code == 200
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.SUCCEEDED


def test_generic_webhook_without_signature_headers_is_rejected(client):
    response = client.post(
        "/api/payments/webhook/", data={"x": 1}, content_type="application/json"
    )
    assert response.status_code == 403


def test_paid_session_without_an_amount_is_flagged_not_confirmed(
    stripe_payment, fake, post_stripe
):
    session = fake.stripe_pay(stripe_payment.provider_reference)
    assert post_stripe(
        "checkout.session.completed", {**session, "amount_total": None}
    ).json() == {"result": "flagged"}
    stripe_payment.refresh_from_db()
    assert stripe_payment.flagged
    assert stripe_payment.status == PaymentStatus.PENDING
    assert ticket_of(stripe_payment).status == TicketStatus.PENDING_PAYMENT


def test_paid_session_without_a_currency_is_flagged_not_confirmed(
    stripe_payment, fake, post_stripe
):
    session = fake.stripe_pay(stripe_payment.provider_reference)
    post_stripe("checkout.session.completed", {**session, "currency": None})
    stripe_payment.refresh_from_db()
    assert stripe_payment.flagged
    assert stripe_payment.status == PaymentStatus.PENDING
    assert ticket_of(stripe_payment).status == TicketStatus.PENDING_PAYMENT


def test_without_a_webhook_secret_every_notification_is_refused(
    stripe_payment, fake, post_stripe, settings
):
    settings.STRIPE_WEBHOOK_SECRET = ""
    session = fake.stripe_pay(stripe_payment.provider_reference)
    # Signed with the empty secret the server has: still refused.
    response = post_stripe("checkout.session.completed", session, secret="")
    assert response.status_code == 403
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.PENDING
    assert not PaymentNotification.objects.exists()


def test_replayed_event_answers_duplicate_and_applies_nothing_again(
    stripe_payment, fake, post_stripe
):
    session = fake.stripe_pay(stripe_payment.provider_reference)
    first = post_stripe("checkout.session.completed", session, event_id="evt_r")
    assert first.json() == {"result": "succeeded"}
    provider_calls, audit_entries = len(fake.requests), AuditLog.objects.count()

    replay = post_stripe("checkout.session.completed", session, event_id="evt_r")

    assert replay.status_code == 200
    assert replay.json() == {"result": "duplicate"}
    assert len(fake.requests) == provider_calls
    assert AuditLog.objects.count() == audit_entries
    assert PaymentNotification.objects.count() == 1


def test_full_refund_webhook_for_a_checked_in_ticket_keeps_the_check_in(
    stripe_payment, fake, post_stripe, volunteer
):
    from tickets.services import ticket_check_in

    session = fake.stripe_pay(stripe_payment.provider_reference)
    post_stripe("checkout.session.completed", session)
    ticket = ticket_of(stripe_payment)
    assert ticket_check_in(code=ticket.code, event=ticket.event, actor=volunteer).ok
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": 1500,
        "amount_refunded": 1500,
        "currency": "eur",
        "payment_intent": session["payment_intent"],
        "metadata": {},
        "refunded": True,
    }
    fake.stripe_refund(session["payment_intent"], amount=1500)  # in the dashboard

    response = post_stripe("charge.refunded", charge)

    assert response.status_code == 200
    assert response.json() == {"result": PaymentStatus.REFUNDED}
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.REFUNDED
    assert stripe_payment.refunded_amount == Decimal("15")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CHECKED_IN
    assert ticket.checkin_at is not None
