from decimal import Decimal

from community.models import User
from events.tests.factories import EventFactory
from passes import services
from passes.models import Pass, PassStatus
from passes.tests.factories import PassFactory
from payments.models import PaymentStatus


def test_organizers_manage_passes_in_admin(client, organizer, product, member):
    pass_purchase = PassFactory(user=member)
    services.pass_book_session(
        pass_=pass_purchase, event=EventFactory(price=Decimal("5")), user=member
    )
    client.force_login(organizer)
    assert client.get("/admin/passes/passproduct/").status_code == 200
    assert client.get("/admin/passes/passproduct/add/").status_code == 200
    assert client.get("/admin/passes/pass/").status_code == 200
    page = client.get(f"/admin/passes/pass/{pass_purchase.pk}/change/")
    assert page.status_code == 200
    assert b"4 / 5" in client.get("/admin/passes/pass/").content


def test_members_and_volunteers_have_no_admin_access(client, member, volunteer, db):
    for user in (member, volunteer):
        client.force_login(user)
        response = client.get("/admin/passes/pass/")
        assert response.status_code == 302  # to the admin login


def test_cash_sale_action_asks_for_the_buyer_then_sells(client, organizer, product):
    client.force_login(organizer)
    url = "/admin/passes/passproduct/"
    form = client.post(
        url, {"action": "sell_cash_action", "_selected_action": [product.pk]}
    )
    assert form.status_code == 200
    assert b"Buyer" in form.content
    client.post(
        url,
        {
            "action": "sell_cash_action",
            "_selected_action": [product.pk],
            "confirmed": "yes",
            "email": "new.person@example.com",
            "name": "New Person",
        },
    )
    sold = Pass.objects.get()
    assert sold.user == User.objects.get(email="new.person@example.com")
    assert sold.status == PassStatus.ACTIVE
    assert sold.sold_by == organizer
    assert sold.payments.get().provider == "cash"


def test_refund_unused_action_refunds_pro_rata_and_closes(
    client, organizer, product, member
):
    sold = services.pass_sell_cash(product=product, buyer=member, actor=organizer)
    services.pass_book_session(
        pass_=sold, event=EventFactory(price=Decimal("5")), user=member
    )
    client.force_login(organizer)
    client.post(
        "/admin/passes/pass/",
        {"action": "refund_unused_action", "_selected_action": [sold.pk]},
    )
    sold.refresh_from_db()
    assert sold.status == PassStatus.CLOSED
    payment = sold.payments.get()
    assert payment.refunded_amount == Decimal("90.00")
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED


def test_payments_admin_lists_pass_payments(client, organizer, product, member):
    services.pass_sell_cash(product=product, buyer=member, actor=organizer)
    client.force_login(organizer)
    response = client.get("/admin/payments/payment/")
    assert response.status_code == 200
    assert b"10 sessions" in response.content
