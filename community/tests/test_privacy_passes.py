import json
from decimal import Decimal

import pytest

from community.privacy import user_erase
from events.tests.factories import EventFactory
from passes import services as pass_services
from passes.tests.factories import PassFactory, PassProductFactory
from payments.models import Payment, PaymentStatus, Provider

pytestmark = pytest.mark.django_db


def _paid_pass(user):
    pass_purchase = PassFactory(
        user=user, product=PassProductFactory(name_en="5 sessions", sessions=5)
    )
    payment = Payment.objects.create(
        payable_kind="pass",
        payable_id=str(pass_purchase.pk),
        provider=Provider.STRIPE,
        amount=Decimal("40.00"),
        currency="EUR",
        status=PaymentStatus.SUCCEEDED,
        provider_payment_id="pi_pass",
        raw={"customer_details": {"email": user.email, "name": "Ana"}},
    )
    return pass_purchase, payment


def test_data_export_lists_the_members_passes_with_sessions_and_payments(
    client, member
):
    pass_purchase, payment = _paid_pass(member)
    pass_services.pass_book_session(
        pass_=pass_purchase, event=EventFactory(price=Decimal("8")), user=member
    )
    client.force_login(member)

    data = json.loads(client.get("/en/account/privacy/my-data.json").content)

    [exported] = data["passes"]
    assert exported["id"] == str(pass_purchase.pk)
    assert exported["product"] == "5 sessions"
    assert exported["sessions_used"] == 1
    assert exported["sessions_left"] == 4
    assert exported["expires_at"].startswith(str(pass_purchase.expires_at.date()))
    [paid] = exported["payments"]
    assert paid["id"] == str(payment.pk)
    assert paid["amount"] == "40.00"
    assert paid["status"] == PaymentStatus.SUCCEEDED


def test_erasure_empties_pass_payments_provider_data_but_keeps_the_money(
    member, admin_user
):
    email = member.email
    pass_purchase, payment = _paid_pass(member)

    user_erase(user=member, actor=admin_user)

    payment.refresh_from_db()
    assert email not in json.dumps(payment.raw)
    assert payment.raw == {}
    assert payment.amount == Decimal("40.00")
    assert payment.provider_payment_id == "pi_pass"
    pass_purchase.refresh_from_db()
    assert pass_purchase.user_id == member.pk  # kept for the accounts, anonymised
