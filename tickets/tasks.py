"""Periodic jobs of the tickets app (operations/jobs.py schedules and records them)."""

from datetime import timedelta

from operations.jobs import periodic
from tickets.services import tickets_expire_stale, waitlist_expire_offers


@periodic("* * * * *", lease=timedelta(minutes=10))
def expire_holds() -> str:
    """Free the seats of unpaid tickets whose hold ran out and of waiting-list offers
    nobody took (as `manage.py expire_holds`); each goes to the next person waiting."""
    tickets = tickets_expire_stale()
    offers = waitlist_expire_offers()
    return f"Expired {tickets} ticket holds and {offers} waiting-list offers."
