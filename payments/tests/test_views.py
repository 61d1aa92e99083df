from payments.models import Payment
from payments.tests.fakes import MP_CHECKOUT_HOST, STRIPE_CHECKOUT_HOST, ticket_of


def _login(client, user):
    client.force_login(user)
    return client


def test_holder_is_sent_to_stripe_checkout(fake, held_ticket, client):
    ticket = held_ticket()
    response = _login(client, ticket.user).get(
        f"/en/payments/start/{ticket.pk}/?provider=stripe"
    )
    assert response.status_code == 302
    assert response["Location"].startswith(STRIPE_CHECKOUT_HOST)


def test_guest_holder_is_sent_to_mercadopago(fake, held_ticket, client):
    ticket = held_ticket()
    session = client.session
    session["tickets_held"] = [str(ticket.pk)]  # tickets.access
    session.save()
    response = client.get(f"/en/payments/start/{ticket.pk}/?provider=mercadopago")
    assert response.status_code == 302
    assert response["Location"].startswith(MP_CHECKOUT_HOST)


def test_stranger_cannot_start_a_payment(fake, held_ticket, client, member):
    ticket = held_ticket()
    response = _login(client, member).get(
        f"/en/payments/start/{ticket.pk}/?provider=stripe"
    )
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_unknown_provider_goes_back_to_ticket_with_message(fake, held_ticket, client):
    ticket = held_ticket()
    response = _login(client, ticket.user).get(
        f"/en/payments/start/{ticket.pk}/?provider=bitcoin", follow=True
    )
    assert response.redirect_chain[-1][0] == ticket.get_absolute_url()
    assert b"not available" in response.content


def test_return_page_waits_and_never_confirms_by_itself(
    stripe_payment, client, django_assert_max_num_queries
):
    _login(client, ticket_of(stripe_payment).user)
    with django_assert_max_num_queries(12):
        response = client.get(f"/en/payments/{stripe_payment.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirming your payment" in html
    assert "payments/confirm.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == "pending"
    status = client.get(f"/en/payments/{stripe_payment.pk}/status.json").json()
    assert status == {
        "id": str(stripe_payment.pk),
        "status": "pending",
        "ticket_status": "pending_payment",
        "done": False,
    }


def test_return_page_after_webhook_shows_success(
    stripe_payment, fake, post_stripe, client
):
    post_stripe(
        "checkout.session.completed", fake.stripe_pay(stripe_payment.provider_reference)
    )
    _login(client, ticket_of(stripe_payment).user)
    response = client.get(f"/en/payments/{stripe_payment.pk}/")
    assert "Payment received" in response.content.decode()
    assert "confirm.js" not in response.content.decode()
    assert client.get(f"/en/payments/{stripe_payment.pk}/status.json").json()["done"]


def test_cancelled_checkout_says_so(stripe_payment, client):
    _login(client, ticket_of(stripe_payment).user)
    response = client.get(f"/en/payments/{stripe_payment.pk}/?cancelled=1")
    assert "Payment not completed" in response.content.decode()


def test_return_page_hidden_from_strangers(stripe_payment, client, member):
    _login(client, member)
    assert client.get(f"/en/payments/{stripe_payment.pk}/").status_code == 404
    assert (
        client.get(f"/en/payments/{stripe_payment.pk}/status.json").status_code == 404
    )


def test_admin_lists_payments_with_totals_and_refunds_after_confirmation(
    stripe_payment, fake, post_stripe, client, admin_user
):
    post_stripe(
        "checkout.session.completed", fake.stripe_pay(stripe_payment.provider_reference)
    )
    client.force_login(admin_user)
    page = client.get("/admin/payments/payment/?provider__exact=stripe")
    assert page.status_code == 200
    assert "Totals per event" in page.content.decode()
    data = {"action": "refund_action", "_selected_action": [str(stripe_payment.pk)]}
    confirm = client.post("/admin/payments/payment/", data)
    assert confirm.status_code == 200
    assert "Yes, refund" in confirm.content.decode()
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == "succeeded"  # nothing happened before confirming

    done = client.post("/admin/payments/payment/", {**data, "confirmed": "yes"})
    assert done.status_code == 302
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == "refunded"
    detail = client.get(f"/admin/payments/payment/{stripe_payment.pk}/change/")
    assert "checkout.session.completed" in detail.content.decode()
    assert fake.refunds[0]["id"] in detail.content.decode()  # the refund inline
