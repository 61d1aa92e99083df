"""Periodic jobs of the tickets app (spanglish/jobs.py schedules them, operations records them)."""

from datetime import timedelta

from spanglish.jobs import periodic
from tickets.reminders import reminders_send
from tickets.services import tickets_expire_stale, waitlist_expire_offers


@periodic("* * * * *", lease=timedelta(minutes=10))
def expire_holds() -> str:
    """Free the seats of unpaid tickets whose hold ran out and of waiting-list offers
    nobody took (as `manage.py expire_holds`); each goes to the next person waiting."""
    tickets = tickets_expire_stale()
    offers = waitlist_expire_offers()
    return f"Expired {tickets} ticket holds and {offers} waiting-list offers."


@periodic("0 * * * *")
def send_reminders() -> str:
    """Queue the day-before reminders that are due (as `manage.py send_reminders`);
    once per ticket, however often it runs."""
    return f"{reminders_send()} reminder(s) queued."
