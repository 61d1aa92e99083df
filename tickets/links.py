"""Signed, time-limited links that let a person reach their ticket (or a waiting-list
offer) from an email without a password. The token names one object and nothing
else; django.core.signing makes it unforgeable and gives it an age limit."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

TICKET_SALT = "tickets.manage"
OFFER_SALT = "tickets.waitlist-offer"
# Long enough to reach the ticket at the door weeks after booking.
TICKET_LINK_MAX_AGE = 60 * 60 * 24 * getattr(settings, "TICKET_LINK_DAYS", 120)


def ticket_token(ticket) -> str:
    return signing.dumps(str(ticket.pk), salt=TICKET_SALT, compress=True)


def ticket_id_from_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=TICKET_SALT, max_age=TICKET_LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None


def ticket_manage_url(ticket) -> str:
    """Absolute link for the ticket email: opens the ticket page without signing in."""
    path = reverse("tickets:manage", kwargs={"token": ticket_token(ticket)})
    return settings.SITE_URL + path


def offer_token(entry) -> str:
    return signing.dumps(str(entry.pk), salt=OFFER_SALT, compress=True)


def entry_id_from_token(token: str) -> str | None:
    max_age = 60 * 60 * (settings.WAITLIST_OFFER_HOURS + 1)
    try:
        return signing.loads(token, salt=OFFER_SALT, max_age=max_age)
    except signing.BadSignature:
        return None


def waitlist_offer_url(entry) -> str:
    """Absolute link for the offer email; valid while the offer is open."""
    path = reverse("tickets:offer", kwargs={"token": offer_token(entry)})
    return settings.SITE_URL + path
