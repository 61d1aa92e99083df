"""Signed, time-limited links that let a person reach their ticket (or a waiting-list
offer, or leave the waiting list) from an email without a password. The token names
one object and nothing else (spanglish.signed)."""

from django.conf import settings
from django.urls import reverse

from spanglish.signed import id_from_token, id_token

TICKET_SALT = "tickets.manage"
OFFER_SALT = "tickets.waitlist-offer"
LEAVE_SALT = "tickets.waitlist-leave"
# Long enough to reach the ticket at the door weeks after booking.
TICKET_LINK_MAX_AGE = 60 * 60 * 24 * settings.TICKET_LINK_DAYS


def ticket_token(ticket) -> str:
    return id_token(ticket.pk, salt=TICKET_SALT)


def ticket_id_from_token(token: str) -> str | None:
    return id_from_token(token, salt=TICKET_SALT, max_age=TICKET_LINK_MAX_AGE)


def ticket_manage_url(ticket) -> str:
    """Absolute link for the ticket email: opens the ticket page without signing in."""
    path = reverse("tickets:manage", kwargs={"token": ticket_token(ticket)})
    return settings.SITE_URL + path


def offer_token(entry) -> str:
    return id_token(entry.pk, salt=OFFER_SALT)


def entry_id_from_token(token: str) -> str | None:
    max_age = 60 * 60 * (settings.WAITLIST_OFFER_HOURS + 1)
    return id_from_token(token, salt=OFFER_SALT, max_age=max_age)


def waitlist_offer_url(entry) -> str:
    """Absolute link for the offer email; valid while the offer is open."""
    path = reverse("tickets:offer", kwargs={"token": offer_token(entry)})
    return settings.SITE_URL + path


def waitlist_leave_token(entry) -> str:
    return id_token(entry.pk, salt=LEAVE_SALT)


def entry_id_from_leave_token(token: str) -> str | None:
    # As long as a ticket link: one may join weeks before the event.
    return id_from_token(token, salt=LEAVE_SALT, max_age=TICKET_LINK_MAX_AGE)


def waitlist_leave_url(entry) -> str:
    """Absolute link for the waiting-list emails: a page that asks, then leaves."""
    path = reverse(
        "tickets:waitlist-leave-link", kwargs={"token": waitlist_leave_token(entry)}
    )
    return settings.SITE_URL + path
