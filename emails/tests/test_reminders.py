from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from emails.models import EmailLog
from events.models import EventStatus
from events.tests.factories import EventFactory
from tickets.models import TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _booked_days_ago(ticket, days=3):
    type(ticket).objects.filter(pk=ticket.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def test_reminder_goes_once_to_holders_of_tomorrows_event(commit, mailoutbox):
    tomorrow = EventFactory(starts_at=timezone.now() + timedelta(hours=20))
    later = EventFactory(starts_at=timezone.now() + timedelta(days=5))
    cancelled = EventFactory(
        starts_at=timezone.now() + timedelta(hours=20), status=EventStatus.CANCELLED
    )
    holder = TicketFactory(event=tomorrow)
    for ticket in (
        holder,
        TicketFactory(event=tomorrow, status=TicketStatus.CANCELLED),
        TicketFactory(event=later),
        TicketFactory(event=cancelled),
    ):
        _booked_days_ago(ticket)
    with commit():
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.to[0] for m in mailoutbox] == [holder.user.email]
    assert mailoutbox[0].subject.startswith("Reminder:")
    with commit():
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mailoutbox) == 1
    assert EmailLog.objects.filter(key=f"reminder:{holder.pk}").count() == 1


def test_no_reminder_for_a_ticket_booked_within_the_last_day(commit, mailoutbox):
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=20))
    TicketFactory(event=event)  # booked just now
    with commit():
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mailoutbox == []
