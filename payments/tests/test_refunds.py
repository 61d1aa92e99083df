from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.models import AuditLog
from payments import services
from payments.models import Payment, PaymentStatus
from payments.services import refunds
from payments.tests.fakes import ticket_of
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.payables import (
    ticket_payment_record_cash,
    ticket_payment_start,
    ticket_payments,
)
from tickets.tests.factories import TicketFactory


def _paid_stripe(fake, payment, post_stripe):
    post_stripe(
        "checkout.session.completed", fake.stripe_pay(payment.provider_reference)
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    return payment


def test_partial_then_full_refund_through_stripe(
    stripe_payment, fake, post_stripe, organizer
):
    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    payment = services.payment_refund(
        payment=payment, amount=Decimal("5"), actor=organizer
    )
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded_amount == Decimal("5")
    assert ticket_of(payment).status == TicketStatus.CONFIRMED

    payment = services.payment_refund(payment=payment, amount=None, actor=organizer)
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("15")
    ticket = Ticket.objects.get(pk=payment.payable_id)
    assert ticket.status == TicketStatus.REFUNDED
    assert not ticket.holds_seat

    first, second = fake.requests_to("POST", "/v1/refunds")
    assert first.body["amount"] == "500"
    assert second.body["amount"] == "1000"
    assert first.body["payment_intent"] == payment.provider_payment_id
    assert first.headers["idempotency-key"] == f"refund-{payment.pk}-0-500"
    assert second.headers["idempotency-key"] == f"refund-{payment.pk}-500-1000"
    assert (
        AuditLog.objects.filter(action="payment.refunded", actor=organizer).count() == 2
    )


def test_refund_webhook_after_our_refund_does_not_double_count(
    stripe_payment, fake, post_stripe, organizer
):
    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    services.payment_refund(payment=payment, amount=Decimal("5"), actor=organizer)
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": 1500,
        "amount_refunded": 500,
        "currency": "eur",
        "payment_intent": payment.provider_payment_id,
        "metadata": {},
    }
    post_stripe("charge.refunded", charge)
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("5")


def test_refund_more_than_paid_is_refused(stripe_payment, fake, post_stripe, organizer):
    from django.core.exceptions import ValidationError

    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    with pytest.raises(ValidationError):
        services.payment_refund(payment=payment, amount=Decimal("16"), actor=organizer)
    assert not fake.requests_to("POST", "/v1/refunds")


def test_full_refund_through_mercadopago(mp_payment, fake, post_mp, admin_user):
    mp = fake.mp_pay(mp_payment.provider_reference)
    post_mp(mp["id"])
    payment = services.payment_refund(payment=mp_payment, amount=None, actor=admin_user)
    assert payment.status == PaymentStatus.REFUNDED
    (sent,) = fake.requests_to("POST", f"/v1/payments/{mp['id']}/refunds")
    assert sent.body == {"amount": 15}
    assert sent.headers["x-idempotency-key"] == f"refund-{payment.pk}-0-1500"
    assert Ticket.objects.get(pk=payment.payable_id).status == TicketStatus.REFUNDED


def test_confirmation_after_seat_was_resold_is_refunded_automatically(
    stripe_payment, fake, post_stripe
):
    ticket = ticket_of(stripe_payment)
    event = ticket.event
    event.capacity = 1
    event.save()
    Ticket.objects.filter(pk=ticket.pk).update(
        status=TicketStatus.EXPIRED,
        hold_expires_at=timezone.now() - timedelta(minutes=1),
    )
    TicketFactory(
        event=event, status=TicketStatus.CONFIRMED
    )  # the seat went to another

    session = fake.stripe_pay(stripe_payment.provider_reference)
    assert post_stripe("checkout.session.completed", session).status_code == 200

    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.REFUNDED
    assert not stripe_payment.flagged
    (refund,) = fake.requests_to("POST", "/v1/refunds")
    assert refund.body["amount"] == "1500"
    assert Ticket.objects.filter(event=event).holding_seats().count() == 1
    assert AuditLog.objects.filter(action="payment.refunded_automatically").exists()


def test_confirmation_after_resale_is_flagged_when_refund_fails(
    mp_payment, fake, post_mp
):
    ticket = ticket_of(mp_payment)
    event = ticket.event
    event.capacity = 1
    event.save()
    Ticket.objects.filter(pk=ticket.pk).update(
        status=TicketStatus.EXPIRED,
        hold_expires_at=timezone.now() - timedelta(minutes=1),
    )
    TicketFactory(event=event, status=TicketStatus.CONFIRMED)
    mp = fake.mp_pay(mp_payment.provider_reference)
    original_route = fake._route

    def refuse_refunds(r):
        if r.path.endswith("/refunds"):
            return 500, {"message": "internal"}
        return original_route(r)

    fake._route = refuse_refunds
    assert post_mp(mp["id"]).status_code == 200
    mp_payment.refresh_from_db()
    assert mp_payment.status == PaymentStatus.SUCCEEDED
    assert mp_payment.flagged
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.EXPIRED
    assert Ticket.objects.filter(event=event).holding_seats().count() == 1


def test_reconcile_applies_missed_confirmations(fake, held_ticket):
    stripe_payment = ticket_payment_start(ticket=held_ticket(), provider_code="stripe")
    mp_payment = ticket_payment_start(ticket=held_ticket(), provider_code="mercadopago")
    untouched = ticket_payment_start(ticket=held_ticket(), provider_code="stripe")
    fake.stripe_pay(stripe_payment.provider_reference)
    fake.mp_pay(mp_payment.provider_reference)
    Payment.objects.update(created_at=timezone.now() - timedelta(minutes=10))

    call_command("reconcile_payments")

    for payment in (stripe_payment, mp_payment, untouched):
        payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.SUCCEEDED
    assert mp_payment.status == PaymentStatus.SUCCEEDED
    assert untouched.status == PaymentStatus.PENDING
    assert fake.requests_to(
        "GET", f"/v1/checkout/sessions/{stripe_payment.provider_reference}"
    )
    (search,) = fake.requests_to("GET", "/v1/payments/search")
    assert search.query["external_reference"] == str(mp_payment.pk)
    assert ticket_of(stripe_payment).status == TicketStatus.CONFIRMED


def test_reconcile_cancels_expired_sessions(stripe_payment, fake):
    fake.stripe_sessions[stripe_payment.provider_reference]["status"] = "expired"
    call_command("reconcile_payments", min_age=0)
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.CANCELLED


def test_hold_expiry_cancels_pending_payment_and_expires_session(
    stripe_payment, fake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_cancel_pending(
            kind="ticket", payable_id=ticket_of(stripe_payment).pk
        )
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.CANCELLED
    session_id = stripe_payment.provider_reference
    assert fake.requests_to("POST", f"/v1/checkout/sessions/{session_id}/expire")


def test_cash_recorded_once_for_pay_at_door(db, volunteer):
    ticket = TicketFactory(
        status=TicketStatus.CONFIRMED,
        payment_method=PaymentMethod.DOOR,
        amount_due=Decimal("10"),
    )
    first = ticket_payment_record_cash(
        ticket=ticket, amount=Decimal("10"), actor=volunteer
    )
    second = ticket_payment_record_cash(
        ticket=ticket, amount=Decimal("10"), actor=volunteer
    )
    assert first.pk == second.pk
    assert first.status == PaymentStatus.SUCCEEDED
    assert first.provider == "cash"
    assert ticket_payments(ticket).count() == 1
    assert (
        AuditLog.objects.filter(action="payment.cash_recorded", actor=volunteer).count()
        == 1
    )


def test_local_tryout_pay_route_then_reconcile(stripe_payment, fake):
    import requests

    answer = requests.get(
        f"{fake.base_url}/_pay/{stripe_payment.provider_reference}", timeout=5
    )
    assert answer.json()["payment_status"] == "paid"
    call_command("reconcile_payments", min_age=0)
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == PaymentStatus.SUCCEEDED


def test_full_refund_of_a_checked_in_ticket_keeps_the_check_in(
    stripe_payment, fake, post_stripe, organizer, volunteer
):
    from tickets.services import ticket_check_in

    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    ticket = ticket_of(payment)
    assert ticket_check_in(code=ticket.code, event=ticket.event, actor=volunteer).ok

    payment = services.payment_refund(payment=payment, amount=None, actor=organizer)

    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("15")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CHECKED_IN
    assert ticket.checkin_at is not None
    assert len(fake.requests_to("POST", "/v1/refunds")) == 1


def test_refund_larger_than_what_is_left_is_refused_without_calling_the_provider(
    stripe_payment, fake, post_stripe, organizer
):
    from django.core.exceptions import ValidationError

    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    services.payment_refund(payment=payment, amount=Decimal("10"), actor=organizer)
    assert len(fake.requests_to("POST", "/v1/refunds")) == 1

    with pytest.raises(ValidationError):
        services.payment_refund(payment=payment, amount=Decimal("6"), actor=organizer)

    assert len(fake.requests_to("POST", "/v1/refunds")) == 1
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("10")


def test_amount_reserved_by_a_pending_refund_counts_as_used(
    stripe_payment, fake, post_stripe, organizer, api_client
):
    from payments.models import Refund

    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    Refund.objects.create(payment=payment, amount=Decimal("10"), idempotency_key="k")
    api_client.force_authenticate(organizer)

    refused = api_client.post(
        "/api/payments/refund", {"payment": str(payment.pk), "amount": "6"}
    )

    assert refused.status_code == 400
    assert "5.00" in str(refused.json())
    assert not fake.requests_to("POST", "/v1/refunds")
    allowed = api_client.post(
        "/api/payments/refund", {"payment": str(payment.pk), "amount": "5"}
    )
    assert allowed.status_code == 200
    assert len(fake.requests_to("POST", "/v1/refunds")) == 1


def test_refunds_are_recorded_as_rows_that_add_up_to_the_refunded_amount(
    stripe_payment, fake, post_stripe, organizer
):
    from payments.models import RefundStatus

    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    services.payment_refund(payment=payment, amount=Decimal("4"), actor=organizer)
    payment = services.payment_refund(payment=payment, amount=None, actor=organizer)

    rows = list(payment.refunds.order_by("created_at"))
    assert [r.amount for r in rows] == [Decimal("4"), Decimal("11")]
    assert {r.status for r in rows} == {RefundStatus.SUCCEEDED}
    assert [r.provider_refund_id for r in rows] == [f["id"] for f in fake.refunds]
    assert {r.actor for r in rows} == {organizer}
    assert sum(r.amount for r in rows) == payment.refunded_amount


def test_refund_the_provider_refuses_releases_its_reservation(
    stripe_payment, fake, post_stripe, organizer
):
    from payments.models import RefundStatus

    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    fake.fail_next = 402
    with pytest.raises(services.ProviderUnavailable):
        services.payment_refund(payment=payment, amount=None, actor=organizer)
    (failed,) = payment.refunds.all()
    assert failed.status == RefundStatus.FAILED
    assert failed.error

    payment = services.payment_refund(payment=payment, amount=None, actor=organizer)
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("15")


def test_refund_webhook_settles_our_pending_refund_once_and_counts_only_new_ones(
    stripe_payment, fake, post_stripe
):
    from payments.models import Refund, RefundStatus

    payment = _paid_stripe(fake, stripe_payment, post_stripe)
    # Our refund reached Stripe, but we have not settled its reservation yet.
    ours = Refund.objects.create(
        payment=payment, amount=Decimal("5"), idempotency_key="k"
    )
    answer = fake._stripe_new_refund(
        payment_intent=payment.provider_payment_id,
        amount=500,
        metadata={"payment_id": str(payment.pk), "refund_id": str(ours.pk)},
    )
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": 1500,
        "amount_refunded": 500,
        "currency": "eur",
        "payment_intent": payment.provider_payment_id,
        "metadata": {},
    }
    post_stripe("charge.refunded", charge)
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("5")
    ours.refresh_from_db()
    assert ours.status == RefundStatus.SUCCEEDED
    assert ours.provider_refund_id == answer["id"]

    # Our own settling comes late: nothing is added a second time.
    refunds._refund_settle(refund=ours, answer=answer)
    # 3 more were refunded in Stripe's dashboard: only those are added.
    fake.stripe_refund(payment.provider_payment_id, amount=300)
    post_stripe("charge.refunded", {**charge, "amount_refunded": 800})
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("8")
    assert payment.refunds.count() == 2
