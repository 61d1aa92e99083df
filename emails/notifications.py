"""Transactional emails other apps ask for. Each call queues one email per recipient
(in the recipient's language, HTML and plain text) after the surrounding transaction
commits, so a rolled-back booking never sends mail.

Callers may call these inside or outside a transaction; the objects are read again
after commit, so the email shows what was actually saved.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation

from calendars.ics import event_ics
from emails.services import email_send_templated
from payments.models import Payment, PaymentStatus
from tickets.links import ticket_manage_url, waitlist_offer_url
from tickets.models import Ticket
from tickets.qr import ticket_qr_png

logger = logging.getLogger(__name__)

# Field names of an event whose change is worth an email, and their labels.
NOTIFIED_EVENT_FIELDS = ("starts_at", "ends_at", "venue_name", "venue_address")


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    user: object | None


def _language(code: str | None) -> str:
    codes = {code for code, _ in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def _recipient(*, user=None, email: str = "", name: str = "") -> Recipient | None:
    """The user's address and language; a guest's address in the site language."""
    if user is not None:
        if not user.is_active:
            return None
        return Recipient(
            email=user.email,
            name=user.get_short_name() or name,
            language=_language(user.language),
            user=user,
        )
    if not email:
        return None
    return Recipient(
        email=email, name=name or email, language=settings.LANGUAGE_CODE, user=None
    )


def _ticket_recipient(ticket) -> Recipient | None:
    return _recipient(
        user=ticket.user, email=ticket.attendee_email, name=ticket.attendee_name
    )


def _after_commit(func) -> None:
    # robust: a broken template must not break the booking that already committed.
    transaction.on_commit(func, robust=True)


def _send(recipient: Recipient, **kwargs):
    context = {"name": recipient.name, **kwargs.pop("context")}
    return email_send_templated(
        to=recipient.email,
        language=recipient.language,
        user=recipient.user,
        context=context,
        **kwargs,
    )


# --- Tickets ---------------------------------------------------------------------


def ticket_confirmed_send(ticket) -> None:
    """Booking confirmation with the QR code inline and the .ics attached."""
    recipient = _ticket_recipient(ticket)
    if recipient is None:
        return
    event = ticket.event
    qr_cid = f"qr-{ticket.code.lower()}@spanglish"
    attachments = [("ticket-qr.png", ticket_qr_png(ticket), "image/png", qr_cid)]
    with translation.override(recipient.language):
        ics = event_ics(event, language=recipient.language)
    if ics:
        attachments.append(("event.ics", ics, "text/calendar"))
    _send(
        recipient,
        template="ticket_confirmed",
        event=event,
        attachments=attachments,
        context={
            "ticket": ticket,
            "event": event,
            "manage_url": ticket_manage_url(ticket),
            "qr_cid": qr_cid,
            "has_ics": bool(ics),
        },
    )


def notify_ticket_confirmed(ticket) -> None:
    """Booking confirmation: QR ticket, link to the ticket page, .ics attached."""
    pk = ticket.pk

    def send():
        fresh = Ticket.objects.select_related("event", "user").filter(pk=pk).first()
        if fresh is not None:
            ticket_confirmed_send(fresh)

    _after_commit(send)


def ticket_reminder_send(ticket):
    """The day-before reminder; the key makes it once per ticket."""
    recipient = _ticket_recipient(ticket)
    if recipient is None:
        return None
    return _send(
        recipient,
        template="event_reminder",
        event=ticket.event,
        key=f"reminder:{ticket.pk}",
        context={
            "ticket": ticket,
            "event": ticket.event,
            "manage_url": ticket_manage_url(ticket),
        },
    )


# --- Payments --------------------------------------------------------------------


def _payment_fresh(payment):
    return (
        Payment.objects.select_related(
            "ticket__event",
            "ticket__user",
            "pass_purchase__product",
            "pass_purchase__user",
        )
        .filter(pk=payment.pk)
        .first()
    )


def _pass_page_url(pass_purchase) -> str:
    with translation.override(_language(pass_purchase.user.language)):
        return settings.SITE_URL + pass_purchase.get_absolute_url()


def notify_payment_receipt(payment) -> None:
    """Receipt for a succeeded online or cash payment of a ticket or a pass. Once
    per payment: the key makes a replayed webhook or a second call send nothing."""

    def send():
        fresh = _payment_fresh(payment)
        if fresh is None:
            return
        key = f"receipt:{fresh.pk}"
        if fresh.pass_purchase_id:
            pass_purchase = fresh.pass_purchase
            recipient = _recipient(user=pass_purchase.user)
            if recipient is None:
                return
            _send(
                recipient,
                template="pass_receipt",
                key=key,
                context={
                    "payment": fresh,
                    "pass": pass_purchase,
                    "product_name": _pass_name(pass_purchase, recipient.language),
                    "pass_url": _pass_page_url(pass_purchase),
                },
            )
            return
        recipient = _ticket_recipient(fresh.ticket)
        if recipient is None:
            return
        _send(
            recipient,
            template="payment_receipt",
            event=fresh.ticket.event,
            key=key,
            context={
                "payment": fresh,
                "ticket": fresh.ticket,
                "event": fresh.ticket.event,
                "manage_url": ticket_manage_url(fresh.ticket),
            },
        )

    _after_commit(send)


def _pass_name(pass_purchase, language: str) -> str:
    with translation.override(language):
        return pass_purchase.product.name


def notify_refund(payment, amount) -> None:
    """A refund was issued (full or partial) on a ticket's or a pass's payment."""

    def send():
        fresh = _payment_fresh(payment)
        if fresh is None:
            return
        if fresh.pass_purchase_id:
            pass_purchase = fresh.pass_purchase
            recipient = _recipient(user=pass_purchase.user)
            if recipient is None:
                return
            _send(
                recipient,
                template="pass_refund",
                context={
                    "payment": fresh,
                    "amount": amount,
                    "pass": pass_purchase,
                    "product_name": _pass_name(pass_purchase, recipient.language),
                },
            )
            return
        recipient = _ticket_recipient(fresh.ticket)
        if recipient is None:
            return
        _send(
            recipient,
            template="refund",
            event=fresh.ticket.event,
            context={
                "payment": fresh,
                "amount": amount,
                "ticket": fresh.ticket,
                "event": fresh.ticket.event,
            },
        )

    _after_commit(send)


# --- Waiting list ----------------------------------------------------------------


def notify_waitlist_offer(entry) -> None:
    """A seat freed up: time-limited link for the waiting-list entry."""
    model = type(entry)
    pk = entry.pk

    def send():
        fresh = model.objects.select_related("event", "user").filter(pk=pk).first()
        if fresh is None:
            return
        recipient = _recipient(
            user=getattr(fresh, "user", None),
            email=getattr(fresh, "email", ""),
            name=getattr(fresh, "name", ""),
        )
        if recipient is None:
            return
        _send(
            recipient,
            template="waitlist_offer",
            event=fresh.event,
            context={
                "entry": fresh,
                "event": fresh.event,
                "offer_url": waitlist_offer_url(fresh),
                "expires_at": getattr(fresh, "offer_expires_at", None),
            },
        )

    _after_commit(send)


# --- Event changes ---------------------------------------------------------------


def _holder_ticket_ids(event) -> list:
    return list(
        Ticket.objects.filter(event=event).active().values_list("pk", flat=True)
    )


def _send_to_holders(*, event, ticket_ids, template: str, context_for) -> None:
    """One email per holder, even when one person holds several tickets."""
    seen = set()
    tickets = Ticket.objects.filter(pk__in=ticket_ids).select_related("user", "event")
    for ticket in tickets:
        recipient = _ticket_recipient(ticket)
        if recipient is None or recipient.email.lower() in seen:
            continue
        seen.add(recipient.email.lower())
        _send(
            recipient,
            template=template,
            event=ticket.event,
            context={"event": ticket.event, "ticket": ticket, **context_for(ticket)},
        )


def notify_event_changed(event, changed_fields) -> None:
    """Date, time or place changed: tell every ticket holder."""
    changed = [name for name in changed_fields if name in NOTIFIED_EVENT_FIELDS]
    if not changed:
        return
    # Lazy verbose names: each renders in its recipient's language.
    labels = [event._meta.get_field(name).verbose_name for name in changed]
    ticket_ids = _holder_ticket_ids(event)

    def send():
        _send_to_holders(
            event=event,
            ticket_ids=ticket_ids,
            template="event_changed",
            context_for=lambda ticket: {
                "manage_url": ticket_manage_url(ticket),
                "changed": labels,
            },
        )

    _after_commit(send)


def notify_event_cancelled(event) -> None:
    """Event cancelled: tell every ticket holder (the holders at the time of the call,
    so tickets cancelled along with the event still hear about it)."""
    ticket_ids = _holder_ticket_ids(event)

    def send():
        _send_to_holders(
            event=event,
            ticket_ids=ticket_ids,
            template="event_cancelled",
            context_for=lambda ticket: {
                "paid": ticket.payments.filter(status=PaymentStatus.SUCCEEDED).exists()
            },
        )

    _after_commit(send)
