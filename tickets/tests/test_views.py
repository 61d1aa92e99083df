import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from community.models import AuditLog, User
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from payments.models import Payment
from tickets import services
from tickets.links import ticket_manage_url, waitlist_offer_url
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def book_url(event):
    return reverse("tickets:book", kwargs={"event_id": event.pk})


def test_event_page_offers_booking_form(client, django_assert_max_num_queries):
    event = EventFactory()
    with django_assert_max_num_queries(8):
        response = client.get(event.get_absolute_url())
    html = response.content.decode()
    assert book_url(event) in html
    assert 'name="email"' in html


def test_member_books_in_one_click_and_sees_qr_ticket(client, member):
    event = EventFactory()
    client.force_login(member)
    response = client.post(book_url(event))
    ticket = Ticket.objects.get(user=member)
    assert response.url == ticket.get_absolute_url()
    page = client.get(ticket.get_absolute_url())
    html = page.content.decode()
    assert "<svg" in html and ticket.display_code in html
    assert "Add to your calendar" in html
    # Booking again shows the same ticket.
    again = client.post(book_url(event))
    assert again.url == ticket.get_absolute_url()
    assert Ticket.objects.filter(user=member).count() == 1
    # The event page now links to the ticket.
    assert (
        ticket.get_absolute_url()
        in client.get(event.get_absolute_url()).content.decode()
    )


def test_visitor_books_with_name_and_email_without_being_signed_in(client):
    event = EventFactory()
    response = client.post(book_url(event), {"name": "Ana", "email": "Ana@Example.com"})
    ticket = Ticket.objects.get()
    assert ticket.user.email == "ana@example.com"
    assert not ticket.user.has_usable_password()
    # Anyone can type any email: the ticket opens from the emailed link only.
    assert response.url == event.get_absolute_url()
    assert client.get(ticket.get_absolute_url()).status_code == 404
    client.get("/" + ticket_manage_url(ticket).split("://", 1)[1].split("/", 1)[1])
    assert client.get(ticket.get_absolute_url()).status_code == 200
    assert "_auth_user_id" not in client.session


def test_visitor_typing_a_members_email_never_sees_their_ticket(client, member):
    event = EventFactory()
    existing = TicketFactory(event=event, user=member)
    response = client.post(book_url(event), {"name": "X", "email": member.email})
    assert response.url == event.get_absolute_url()
    assert "_auth_user_id" not in client.session
    assert client.get(existing.get_absolute_url()).status_code == 404


def test_visitor_with_existing_account_gets_new_ticket_but_is_not_logged_in(
    client, member
):
    event = EventFactory()
    client.post(book_url(event), {"name": "M", "email": member.email})
    assert Ticket.objects.filter(user=member, event=event).exists()
    assert "_auth_user_id" not in client.session


def test_ticket_page_is_404_for_anyone_but_the_holder(client, member):
    ticket = TicketFactory()
    assert client.get(ticket.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(ticket.get_absolute_url()).status_code == 404


def test_signed_link_from_email_opens_the_ticket(client):
    ticket = TicketFactory()
    url = ticket_manage_url(ticket)
    assert url.startswith("http")
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.url == ticket.get_absolute_url()
    assert client.get(ticket.get_absolute_url()).status_code == 200
    tampered = "/" + path[:-3] + "xx/"
    assert client.get(tampered).status_code == 404


def test_paid_event_offers_door_and_online_redirects_to_payment(
    client, member, settings
):
    event = EventFactory(price=Decimal("10"))
    client.force_login(member)
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'value="door"' in html
    response = client.post(book_url(event), {"payment": "door"})
    ticket = Ticket.objects.get(user=member)
    assert ticket.status == TicketStatus.CONFIRMED
    assert ticket.amount_due == Decimal("10")
    assert response.url == ticket.get_absolute_url()


def test_member_cancels_own_free_ticket_from_ticket_page(client, member):
    event = EventFactory(capacity=1)
    ticket = TicketFactory(event=event, user=member)
    client.force_login(member)
    assert "Cancel my ticket" in client.get(ticket.get_absolute_url()).content.decode()
    client.post(reverse("tickets:cancel", kwargs={"pk": ticket.pk}))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED
    assert event.seats_left == 1


def test_paid_online_ticket_page_says_refund(client, member):
    ticket = TicketFactory(
        user=member,
        event=EventFactory(price=Decimal("10")),
        payment_method=PaymentMethod.ONLINE,
    )
    client.force_login(member)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert "cancellation goes through a refund" in html
    client.post(reverse("tickets:cancel", kwargs={"pk": ticket.pk}))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED


def test_sold_out_page_offers_waiting_list_and_offer_link_books(client):
    event = EventFactory(capacity=1)
    holder = TicketFactory(event=event)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Sold out" in html and "Join the waiting list" in html
    client.post(
        reverse("tickets:waitlist-join", kwargs={"event_id": event.pk}),
        {"name": "Wait", "email": "wait@example.com"},
    )
    entry = event.waiting_list.get()
    services.ticket_cancel(ticket=holder)
    entry.refresh_from_db()
    offer_path = "/" + waitlist_offer_url(entry).split("://", 1)[1].split("/", 1)[1]
    other = client.__class__()
    assert "a seat is kept for you" in other.get(offer_path).content.decode()
    response = other.post(offer_path)
    ticket = Ticket.objects.get(user__email="wait@example.com")
    assert response.url == ticket.get_absolute_url()
    assert ticket.status == TicketStatus.CONFIRMED


# --- Exports --------------------------------------------------------------------------


def _export_event():
    event = EventFactory(price=Decimal("10"))
    evil = UserFactory(name='=HYPERLINK("http://x")', phone="+34 600 000 000")
    TicketFactory(event=event, user=evil, payment_method=PaymentMethod.ONLINE)
    paid = TicketFactory(
        event=event, attendee_name="Zoë Ñandú", payment_method=PaymentMethod.ONLINE
    )
    Payment.objects.create(
        payable_kind="ticket",
        payable_id=str(paid.pk),
        event_id=paid.event_id,
        provider="stripe",
        amount=Decimal("10"),
        currency="EUR",
        status="partially_refunded",
        refunded_amount=Decimal("2.50"),
    )
    Payment.objects.create(
        payable_kind="ticket",
        payable_id=str(paid.pk),
        event_id=paid.event_id,
        provider="stripe",
        amount=Decimal("10"),
        currency="EUR",
        status="failed",
    )
    return event


def test_csv_export_has_bom_columns_amounts_and_neutralises_formulas(client, organizer):
    event = _export_event()
    client.force_login(organizer)
    url = reverse("tickets:export", kwargs={"event_id": event.pk, "fmt": "csv"})
    response = client.get(url)
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == [
        "Name",
        "Email",
        "Phone",
        "Status",
        "Amount paid",
        "Payment method",
        "Checked in at",
        "Ticket code",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in by_name
    assert by_name['\'=HYPERLINK("http://x")'][2] == "'+34 600 000 000"
    assert Decimal(by_name["Zoë Ñandú"][4]) == Decimal("7.50")
    assert AuditLog.objects.filter(action="tickets.exported", actor=organizer).exists()


def test_xlsx_export_neutralises_and_opens(client, organizer):
    event = _export_event()
    client.force_login(organizer)
    url = reverse("tickets:export", kwargs={"event_id": event.pk, "fmt": "xlsx"})
    body = b"".join(client.get(url).streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Name"
    names = {row[0] for row in values[1:]}
    assert '\'=HYPERLINK("http://x")' in names


@pytest.mark.parametrize(
    "role,status",
    [("member", 403), ("volunteer", 403), ("organizer", 200), ("admin", 200)],
)
def test_export_permissions_per_role(client, role, status):
    event = EventFactory()
    client.force_login(UserFactory(role=role))
    url = reverse("tickets:export", kwargs={"event_id": event.pk, "fmt": "csv"})
    assert client.get(url).status_code == status


def test_admin_event_page_has_ticket_inline_and_export(client, admin_user):
    ticket = TicketFactory()
    client.force_login(admin_user)
    html = client.get(
        reverse("admin:events_event_change", args=[ticket.event.pk])
    ).content.decode()
    assert ticket.code in html
    assert "Export attendees (CSV)" in html
    changelist = client.get(reverse("admin:tickets_ticket_changelist"))
    assert changelist.status_code == 200


def test_admin_actions_check_in_and_export(client, admin_user):
    ticket = TicketFactory()
    client.force_login(admin_user)
    client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "check_in", "_selected_action": [ticket.pk]},
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CHECKED_IN
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "export_attendees_csv", "_selected_action": [ticket.event.pk]},
    )
    assert response.streaming
    assert ticket.code in b"".join(response.streaming_content).decode()
    assert User.objects.count() >= 1
