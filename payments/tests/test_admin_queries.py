"""The payments list in admin describes what each payment paid for without asking
the database once per row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets.payables import ticket_payment_start


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:payments_payment_changelist"))
    assert response.status_code == 200
    return len(captured)


def test_payment_list_costs_the_same_for_three_payments_or_nine(
    client, admin_user, fake, held_ticket
):
    client.force_login(admin_user)
    for _ in range(3):
        ticket_payment_start(ticket=held_ticket(), provider_code="stripe")
    three = _queries(client)
    for _ in range(6):
        ticket_payment_start(ticket=held_ticket(), provider_code="stripe")
    nine = _queries(client)

    assert nine == three
    page = client.get(reverse("admin:payments_payment_changelist")).content.decode()
    assert page.count("<tr") >= 9
