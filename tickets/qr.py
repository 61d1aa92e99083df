"""The ticket's QR code (the ticket code, as the door scanner reads it): inline SVG
for the ticket page, PNG for the confirmation email."""

import io

import segno
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def _qr(ticket) -> segno.QRCode:
    return segno.make(ticket.code, error="m", micro=False)


def ticket_qr_svg(ticket) -> str:
    return mark_safe(  # noqa: S308 — segno's own SVG of our own code, no user input
        _qr(ticket).svg_inline(
            scale=8,
            border=2,
            # A viewBox instead of a fixed width and height: CSS sizes the square
            # (static/tickets/tickets.css) and the drawing scales with it.
            omitsize=True,
            dark="#1d2330",
            light="#ffffff",
            title=_("QR code of ticket %(code)s") % {"code": ticket.display_code},
            svgclass="ticket-qr-svg",
        )
    )


def ticket_qr_png(ticket) -> bytes:
    buffer = io.BytesIO()
    _qr(ticket).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
