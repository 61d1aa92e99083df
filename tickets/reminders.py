"""The day-before reminder. `manage.py send_reminders` runs it and so does the
hourly scheduled job (tickets/tasks.py).

Once per ticket: each reminder is logged under the key "reminder:<ticket id>", which
is unique in the email log, so overlapping or repeated runs never send twice.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from emails.models import EmailLog
from events.models import EventStatus
from tickets.models import Ticket, TicketStatus
from tickets.notifications import ticket_reminder_send

REMINDER_HOURS = settings.EMAIL_REMINDER_HOURS


def tickets_due_reminder(*, now: datetime | None = None) -> list[Ticket]:
    """Confirmed tickets of published events starting within REMINDER_HOURS, booked
    before that window opened (someone who booked this afternoon needs no reminder),
    that have not had one yet."""
    now = now or timezone.now()
    window = timedelta(hours=REMINDER_HOURS)
    tickets = list(
        Ticket.objects.filter(
            status=TicketStatus.CONFIRMED,
            event__status=EventStatus.PUBLISHED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + window,
            created_at__lte=F("event__starts_at") - window,
        ).select_related("event", "user")
    )
    sent = set(
        EmailLog.objects.filter(
            key__in=[f"reminder:{ticket.pk}" for ticket in tickets]
        ).values_list("key", flat=True)
    )
    return [ticket for ticket in tickets if f"reminder:{ticket.pk}" not in sent]


def reminders_send(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due; returns how many were queued."""
    count = 0
    for ticket in tickets_due_reminder(now=now):
        if ticket_reminder_send(ticket) is not None:
            count += 1
    return count
