"""The signed "Can't come" link of the reminder email and the ticket page.

The token names one ticket and nothing else (spanglish.signed: unforgeable, with
an age limit). Opening it only shows a confirm button; the seat is released by the
POST of that button, so mail scanners that follow links release nothing."""

from django.conf import settings
from django.urls import reverse

from spanglish.signed import id_from_token, id_token

CANT_COME_SALT = "door.cant-come"
CANT_COME_MAX_AGE = 60 * 60 * 24 * settings.TICKET_LINK_DAYS


def cant_come_token(ticket) -> str:
    return id_token(ticket.pk, salt=CANT_COME_SALT)


def ticket_id_from_cant_come_token(token: str) -> str | None:
    return id_from_token(token, salt=CANT_COME_SALT, max_age=CANT_COME_MAX_AGE)


def cant_come_path(ticket) -> str:
    return reverse("door:cant-come", kwargs={"token": cant_come_token(ticket)})


def cant_come_url(ticket) -> str:
    """Absolute link for emails."""
    return settings.SITE_URL + cant_come_path(ticket)
