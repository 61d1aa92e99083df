from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from community.tests.factories import UserFactory
from emails.models import EmailLog, EmailStatus
from events.models import EventStatus
from events.services import event_cancel, event_update
from events.tests.factories import EventFactory
from tickets.models import PaymentMethod, TicketStatus, WaitingListEntry
from tickets.payables import ticket_payment_record_cash
from tickets.services import ticket_book
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _attachments(message):
    """{filename: mimetype} of every attachment, inline parts included."""
    found = {}
    for part in message.message().walk():
        filename = part.get_filename()
        if filename:
            found[filename] = part.get_content_type()
    return found


def test_booking_confirmation_has_qr_code_and_calendar_file(commit, mailoutbox):
    user = UserFactory(language="en", name="Ana Pérez")
    event = EventFactory()
    with commit():
        ticket, _ = ticket_book(
            event=event, user=user, payment_method=PaymentMethod.FREE
        )
    [message] = mailoutbox
    assert message.to == [user.email]
    assert event.title_en in message.subject
    assert ticket.display_code in message.body
    files = _attachments(message)
    assert files["ticket-qr.png"] == "image/png"
    assert files["event.ics"] == "text/calendar"
    ics = next(
        part.get_content()
        for part in message.message().walk()
        if part.get_filename() == "event.ics"
    )
    assert "BEGIN:VEVENT" in ics
    html = message.alternatives[0][0]
    assert 'src="cid:qr-' in html
    assert "/tickets/" in html  # the link to manage the ticket
    log = EmailLog.objects.get(template="ticket_confirmed")
    assert log.user == user
    assert log.topic == f"event:{event.pk}"
    assert log.status == EmailStatus.SENT


def test_booking_confirmation_in_spanish_for_a_spanish_speaker(commit, mailoutbox):
    user = UserFactory(language="es")
    event = EventFactory()
    with commit():
        ticket_book(event=event, user=user, payment_method=PaymentMethod.FREE)
    [message] = mailoutbox
    assert '<html lang="es">' in message.alternatives[0][0]
    assert event.title_es in message.subject
    assert EmailLog.objects.get().language == "es"


def test_rolled_back_booking_sends_nothing(mailoutbox):
    # Without a commit the on_commit callbacks never run: nothing is queued.
    ticket_book(event=EventFactory(), user=UserFactory(), payment_method="free")
    assert mailoutbox == []


def test_cash_payment_sends_a_receipt(commit, mailoutbox, volunteer):
    event = EventFactory(price=Decimal("8.00"))
    ticket = TicketFactory(event=event, payment_method=PaymentMethod.DOOR)
    with commit():
        ticket_payment_record_cash(
            ticket=ticket, amount=Decimal("8.00"), actor=volunteer
        )
    [message] = mailoutbox
    assert message.to == [ticket.user.email]
    assert "8.00" in message.body
    assert "Payment received" in message.subject


def test_waitlist_offer_email_has_the_offer_link(commit, mailoutbox):
    user = UserFactory(language="en")
    event = EventFactory()
    entry = WaitingListEntry.objects.create(
        event=event,
        user=user,
        email=user.email,
        status="offered",
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + timedelta(hours=24),
    )
    from tickets.notifications import notify_waitlist_offer

    with commit():
        notify_waitlist_offer(entry)
    [message] = mailoutbox
    assert "/tickets/" in message.body
    assert "A seat is free for you" in message.subject


def test_event_cancellation_emails_every_ticket_holder_once(
    commit, mailoutbox, organizer
):
    event = EventFactory()
    holders = [TicketFactory(event=event) for _ in range(3)]
    TicketFactory(event=event, status=TicketStatus.CANCELLED)  # no longer a holder
    TicketFactory()  # another event
    with commit():
        event_cancel(event=event, actor=organizer)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(t.user.email for t in holders)
    assert all(m.subject.startswith("Cancelled:") for m in mailoutbox)


def test_event_new_time_emails_holders_with_what_changed(commit, mailoutbox, organizer):
    event = EventFactory()
    ticket = TicketFactory(event=event)
    new_start = event.starts_at + timedelta(days=1)
    with commit():
        event_update(
            event=event,
            actor=organizer,
            starts_at=new_start,
            ends_at=new_start + timedelta(hours=2),
        )
    [message] = mailoutbox
    assert message.to == [ticket.user.email]
    assert "starts at" in message.body
    assert message.subject.startswith("Change of plans")


def test_event_description_edit_sends_nothing(commit, mailoutbox, organizer):
    event = EventFactory()
    TicketFactory(event=event)
    with commit():
        event_update(event=event, actor=organizer, description_en="New words.")
    assert mailoutbox == []


def test_draft_event_changes_send_nothing(commit, mailoutbox, organizer):
    event = EventFactory(status=EventStatus.DRAFT)
    with commit():
        event_update(event=event, actor=organizer, venue_name="Elsewhere")
    assert mailoutbox == []
