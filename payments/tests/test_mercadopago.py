import time
from decimal import Decimal

from community.models import AuditLog
from payments.models import PaymentNotification, PaymentStatus
from payments.providers.mercadopago import signature_manifest
from payments.tests.fakes import MP_CHECKOUT_HOST, ticket_of
from tickets.models import TicketStatus
from tickets.payables import ticket_payment_start


def test_preference_created_with_external_reference_and_back_urls(mp_payment, fake):
    (sent,) = fake.requests_to("POST", "/checkout/preferences")
    payment = mp_payment
    assert sent.headers["authorization"] == "Bearer APP_USR-fake-token"
    assert sent.headers["x-idempotency-key"] == f"preference-{payment.pk}"
    assert sent.body["external_reference"] == str(payment.pk)
    assert sent.body["items"][0]["unit_price"] == 15
    assert sent.body["items"][0]["currency_id"] == "EUR"
    assert sent.body["back_urls"]["success"].endswith(f"/payments/{payment.pk}/")
    assert sent.body["back_urls"]["failure"].endswith("?cancelled=1")
    assert sent.body["back_urls"]["pending"] == sent.body["back_urls"]["success"]
    assert sent.body["notification_url"] == (
        "https://spanglish.example/api/payments/webhook/mercadopago"
    )
    assert payment.checkout_url.startswith(MP_CHECKOUT_HOST)


def test_manifest_follows_the_documented_template():
    assert (
        signature_manifest(data_id="ABC123", request_id="r-1", ts="1700")
        == "id:abc123;request-id:r-1;ts:1700;"
    )
    assert signature_manifest(data_id="", request_id="r-1", ts="1700") == (
        "request-id:r-1;ts:1700;"
    )
    assert signature_manifest(data_id="a-B", request_id="", ts="1") == "id:a-B;ts:1;"


def test_approved_payment_confirms_ticket_after_fetching_it(mp_payment, fake, post_mp):
    mp = fake.mp_pay(mp_payment.provider_reference)
    response = post_mp(mp["id"])
    assert response.status_code == 200
    assert fake.requests_to("GET", f"/v1/payments/{mp['id']}")
    mp_payment.refresh_from_db()
    assert mp_payment.status == PaymentStatus.SUCCEEDED
    assert mp_payment.provider_payment_id == str(mp["id"])
    assert ticket_of(mp_payment).status == TicketStatus.CONFIRMED


def test_bad_signature_is_rejected_without_calling_the_api(mp_payment, fake, post_mp):
    mp = fake.mp_pay(mp_payment.provider_reference)
    response = post_mp(mp["id"], secret="not-the-secret")
    assert response.status_code == 403
    assert not fake.requests_to("GET", "/v1/payments/")
    mp_payment.refresh_from_db()
    assert mp_payment.status == PaymentStatus.PENDING
    assert not PaymentNotification.objects.exists()


def test_replay_ten_times_changes_nothing_after_the_first(mp_payment, fake, post_mp):
    mp = fake.mp_pay(mp_payment.provider_reference)
    for _ in range(10):
        assert post_mp(mp["id"], notification_id=555).status_code == 200
    assert PaymentNotification.objects.count() == 1
    assert AuditLog.objects.filter(action="payment.succeeded").count() == 1


def test_rejected_after_approved_keeps_the_success(mp_payment, fake, post_mp):
    mp = fake.mp_pay(mp_payment.provider_reference)
    post_mp(mp["id"], notification_id=1)
    mp["status"] = "rejected"  # what the API says now (a later, unrelated retry)
    post_mp(mp["id"], notification_id=2)
    mp_payment.refresh_from_db()
    assert mp_payment.status == PaymentStatus.SUCCEEDED


def test_amount_mismatch_is_flagged(mp_payment, fake, post_mp):
    mp = fake.mp_pay(mp_payment.provider_reference, amount=1.5)
    post_mp(mp["id"])
    mp_payment.refresh_from_db()
    assert mp_payment.flagged
    assert mp_payment.status == PaymentStatus.PENDING
    assert ticket_of(mp_payment).status == TicketStatus.PENDING_PAYMENT


def test_notification_for_unknown_payment_is_acknowledged(mp_payment, fake, post_mp):
    fake.mp_payments["42"] = {
        "id": 42,
        "status": "approved",
        "transaction_amount": 15,
        "currency_id": "EUR",
        "external_reference": "someone-elses-shop",
    }
    assert post_mp("42").status_code == 200
    mp_payment.refresh_from_db()
    assert mp_payment.status == PaymentStatus.PENDING


def test_api_down_answers_503_so_mercadopago_retries(mp_payment, fake, post_mp):
    mp = fake.mp_pay(mp_payment.provider_reference)
    fake.fail_next = 500
    assert post_mp(mp["id"]).status_code == 503
    assert not PaymentNotification.objects.exists()
    assert post_mp(mp["id"]).status_code == 200
    mp_payment.refresh_from_db()
    assert mp_payment.status == PaymentStatus.SUCCEEDED


def test_generic_webhook_path_recognises_mercadopago(mp_payment, fake, post_mp):
    mp = fake.mp_pay(mp_payment.provider_reference)
    assert post_mp(mp["id"], path="/api/payments/webhook").status_code == 200
    mp_payment.refresh_from_db()
    assert mp_payment.status == PaymentStatus.SUCCEEDED


def test_zero_decimal_currency_sent_as_whole_number(fake, held_ticket):

    ticket = held_ticket(price=Decimal("5000"), currency="CLP")
    ticket_payment_start(ticket=ticket, provider_code="mercadopago")
    (sent,) = fake.requests_to("POST", "/checkout/preferences")
    assert sent.body["items"][0]["unit_price"] == 5000
    assert isinstance(sent.body["items"][0]["unit_price"], int)


def test_payment_without_an_amount_is_flagged_not_confirmed(mp_payment, fake, post_mp):
    mp = fake.mp_pay(mp_payment.provider_reference)
    mp["transaction_amount"] = None
    assert post_mp(mp["id"]).json() == {"result": "flagged"}
    mp_payment.refresh_from_db()
    assert mp_payment.flagged
    assert mp_payment.status == PaymentStatus.PENDING
    assert ticket_of(mp_payment).status == TicketStatus.PENDING_PAYMENT


def test_payment_without_a_currency_is_flagged_not_confirmed(mp_payment, fake, post_mp):
    mp = fake.mp_pay(mp_payment.provider_reference)
    del mp["currency_id"]
    assert post_mp(mp["id"]).json() == {"result": "flagged"}
    mp_payment.refresh_from_db()
    assert mp_payment.flagged
    assert mp_payment.status == PaymentStatus.PENDING
    assert ticket_of(mp_payment).status == TicketStatus.PENDING_PAYMENT


def test_without_a_webhook_secret_every_notification_is_refused(
    mp_payment, fake, post_mp, settings
):
    settings.MERCADOPAGO_WEBHOOK_SECRET = ""
    mp = fake.mp_pay(mp_payment.provider_reference)
    # Signed with the empty secret the server has: still refused.
    response = post_mp(mp["id"], secret="")
    assert response.status_code == 403
    assert not fake.requests_to("GET", "/v1/payments/")
    mp_payment.refresh_from_db()
    assert mp_payment.status == PaymentStatus.PENDING
    assert not PaymentNotification.objects.exists()


def test_replay_answers_duplicate_without_asking_mercadopago_again(
    mp_payment, fake, post_mp
):
    mp = fake.mp_pay(mp_payment.provider_reference)
    assert post_mp(mp["id"], request_id="req-once").json() == {"result": "succeeded"}
    provider_calls, audit_entries = len(fake.requests), AuditLog.objects.count()

    replay = post_mp(mp["id"], request_id="req-once")

    assert replay.status_code == 200
    assert replay.json() == {"result": "duplicate"}
    assert len(fake.requests) == provider_calls
    assert AuditLog.objects.count() == audit_entries
    assert PaymentNotification.objects.count() == 1


def test_replay_with_a_rewritten_unsigned_body_is_still_a_duplicate(
    mp_payment, fake, post_mp
):
    mp = fake.mp_pay(mp_payment.provider_reference)
    post_mp(mp["id"], request_id="req-1", notification_id=111)
    provider_calls = len(fake.requests)
    rewritten = {
        "id": 999_999,
        "type": "payment",
        "action": "payment.created",
        "data": {"id": "another"},
    }

    replay = post_mp(mp["id"], request_id="req-1", body=rewritten)

    assert replay.json() == {"result": "duplicate"}
    assert len(fake.requests) == provider_calls
    assert PaymentNotification.objects.count() == 1


def test_a_new_request_id_for_the_same_payment_is_a_new_notification(
    mp_payment, fake, post_mp
):
    mp = fake.mp_pay(mp_payment.provider_reference)
    post_mp(mp["id"], request_id="req-1")
    assert post_mp(mp["id"], request_id="req-2").json() == {"result": "already_paid"}
    assert PaymentNotification.objects.count() == 2


def test_signature_older_than_the_tolerance_is_refused(
    mp_payment, fake, post_mp, settings
):
    settings.MERCADOPAGO_WEBHOOK_TOLERANCE_SECONDS = 300
    mp = fake.mp_pay(mp_payment.provider_reference)
    captured_ms = int((time.time() - 301) * 1000)
    captured_s = int(time.time() - 301)

    for ts in (captured_ms, captured_s):
        response = post_mp(mp["id"], ts=str(ts))
        assert response.status_code == 403
    assert not fake.requests_to("GET", "/v1/payments/")
    assert not PaymentNotification.objects.exists()
    recent = str(int((time.time() - 60) * 1000))
    assert post_mp(mp["id"], ts=recent).json() == {"result": "succeeded"}
