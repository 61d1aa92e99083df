"""The emails about seats: booking confirmation (QR inline, the event's .ics
attached), "you're on the waiting list" and its offer, the day-before reminder, and the event changed or
cancelled to its ticket holders. The emails app only delivers (templates, log,
retries); what goes out and when is decided here.

Each notify_* defers itself until the surrounding transaction commits, so callers
never wrap it again and a rolled-back booking sends nothing; the objects are read
again then, so an email shows what was actually saved. The booking confirmation is
rendered by the task worker (`ticket_confirmed_email`: QR code PNG, .ics and
templates cost two thirds of a booking's CPU), not in the request: its task row is
written in the booking's own transaction when tasks live in this database
(production), else queued after commit (the immediate backend of development and
tests then runs it at once). Either way a broken template never breaks a booking.

Seam (events → tickets): events sends `events.signals.event_changed` and
`event_cancelled`; TicketsConfig.ready() connects them to the handlers at the end
of this module, so events never imports tickets.
"""

from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks_db import DatabaseBackend

from emails.recipients import Recipient, recipient_for
from emails.services import email_send_templated
from events.ics import event_ics
from events.models import Event
from tickets.links import ticket_manage_url, waitlist_leave_url, waitlist_offer_url
from tickets.models import Ticket, WaitingListEntry
from tickets.qr import ticket_qr_png
from tickets.selectors import tickets_paid
from tickets.ticket_state import ticket_state

# Field names of an event whose change is worth an email to its ticket holders.
NOTIFIED_EVENT_FIELDS = ("starts_at", "ends_at", "venue_name", "venue_address")


def ticket_recipient(ticket) -> Recipient | None:
    return recipient_for(
        user=ticket.user, email=ticket.attendee_email, name=ticket.attendee_name
    )


def _topic(event) -> str:
    return f"event:{event.pk}"


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


# --- Booking ---------------------------------------------------------------------


def ticket_confirmed_send(ticket) -> None:
    """Booking confirmation with the QR code inline and the .ics attached."""
    recipient = ticket_recipient(ticket)
    if recipient is None:
        return
    event = ticket.event
    qr_cid, attachments, ics = "", [], b""
    # An unpaid or lapsed hold is no ticket: no QR code and no calendar entry; the
    # template says what state it is in (tickets/ticket_state.py).
    if ticket_state(ticket).admits:
        qr_cid = f"qr-{ticket.code.lower()}@spanglish"
        attachments = [("ticket-qr.png", ticket_qr_png(ticket), "image/png", qr_cid)]
        with translation.override(recipient.language):
            ics = event_ics(event, language=recipient.language)
    if ics:
        attachments.append(("event.ics", ics, "text/calendar"))
    _send(
        recipient,
        template="ticket_confirmed",
        topic=_topic(event),
        attachments=attachments,
        context={
            "ticket": ticket,
            "event": event,
            "manage_url": ticket_manage_url(ticket),
            "qr_cid": qr_cid,
            "has_ics": bool(ics),
        },
    )


@task
def ticket_confirmed_email(ticket_id: str) -> str:
    """Worker: render and log the booking confirmation of one ticket (the emails app
    then delivers it). Only the id travels: the ticket is read as it is now."""
    fresh = Ticket.objects.select_related("event", "user").filter(pk=ticket_id).first()
    if fresh is None:
        return "gone"
    ticket_confirmed_send(fresh)
    return "queued"


def _enqueue_with_transaction(job, *args) -> None:
    """Queue `job` so that it runs only if the surrounding transaction commits.

    Tasks stored in this database (production's backend): the task row joins the
    transaction, so a booking still commits once and a rollback drops the row.
    Any other backend (the immediate one runs the task at once) after commit."""
    if isinstance(job.get_backend(), DatabaseBackend):
        job.enqueue(*args)
    else:
        _after_commit(lambda: job.enqueue(*args))


def notify_ticket_confirmed(ticket) -> None:
    """Booking confirmation: QR ticket, link to the ticket page, .ics attached,
    rendered by the worker once the booking has committed."""
    _enqueue_with_transaction(ticket_confirmed_email, str(ticket.pk))


def ticket_reminder_send(ticket):
    """The day-before reminder; the key makes it once per ticket. Sent at once (the
    reminders job runs outside any transaction); None when nobody can receive it."""
    recipient = ticket_recipient(ticket)
    if recipient is None:
        return None
    return _send(
        recipient,
        template="event_reminder",
        topic=_topic(ticket.event),
        key=f"reminder:{ticket.pk}",
        context={
            "ticket": ticket,
            "event": ticket.event,
            "manage_url": ticket_manage_url(ticket),
        },
    )


# --- Waiting list ----------------------------------------------------------------


def _send_to_entry(pk, *, template: str, context_for) -> None:
    """One waiting-list email to the entry's person, read again now (after commit)."""
    fresh = WaitingListEntry.objects.select_related("event", "user").filter(pk=pk)
    fresh = fresh.first()
    if fresh is None:
        return
    recipient = recipient_for(user=fresh.user, email=fresh.email, name=fresh.name)
    if recipient is None:
        return
    _send(
        recipient,
        template=template,
        topic=_topic(fresh.event),
        context={
            "entry": fresh,
            "event": fresh.event,
            "leave_url": waitlist_leave_url(fresh),
            **context_for(fresh),
        },
    )


def notify_waitlist_joined(entry) -> None:
    """On the list: what happens next, and the link to leave it."""
    pk = entry.pk
    hours = settings.WAITLIST_OFFER_HOURS
    _after_commit(
        lambda: _send_to_entry(
            pk, template="waitlist_joined", context_for=lambda f: {"offer_hours": hours}
        )
    )


def notify_waitlist_offer(entry) -> None:
    """A seat freed up: time-limited link for the waiting-list entry, and the link
    to leave the list instead (the seat then goes to the next person)."""
    pk = entry.pk
    _after_commit(
        lambda: _send_to_entry(
            pk,
            template="waitlist_offer",
            context_for=lambda fresh: {
                "offer_url": waitlist_offer_url(fresh),
                "expires_at": fresh.offer_expires_at,
            },
        )
    )


# --- Event changes ---------------------------------------------------------------


def _holder_ticket_ids(event) -> list:
    return list(
        Ticket.objects.filter(event=event).active().values_list("pk", flat=True)
    )


def _send_to_holders(*, ticket_ids, template: str, context_for) -> None:
    """One email per holder, even when one person holds several tickets."""
    seen = set()
    tickets = Ticket.objects.filter(pk__in=ticket_ids).select_related("user", "event")
    for ticket in tickets:
        recipient = ticket_recipient(ticket)
        if recipient is None or recipient.email.lower() in seen:
            continue
        seen.add(recipient.email.lower())
        _send(
            recipient,
            template=template,
            topic=_topic(ticket.event),
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
        paid = tickets_paid(ticket_ids)
        _send_to_holders(
            ticket_ids=ticket_ids,
            template="event_cancelled",
            context_for=lambda ticket: {"paid": str(ticket.pk) in paid},
        )

    _after_commit(send)


def on_event_changed(sender, *, event, changes, **kwargs) -> None:
    """Receiver of events.signals.event_changed."""
    notify_event_changed(event, list(changes))


def on_event_cancelled(sender, *, event, **kwargs) -> None:
    """Receiver of events.signals.event_cancelled."""
    notify_event_cancelled(event)


# --- Bulk audience ---------------------------------------------------------------


def event_attendees_event_field():
    """The form field that picks the event of an "event_attendees" bulk message."""
    return forms.ModelChoiceField(
        label=_("event"),
        queryset=Event.objects.order_by("-starts_at"),
        help_text=_("Required when writing to the attendees of one event."),
    )


def event_attendees_describe(params: dict) -> str:
    event = Event.objects.filter(pk=params.get("event")).first()
    return str(event) if event is not None else ""


def event_attendees(bulk) -> Iterator[Recipient]:
    """Recipients of a bulk message to one event's attendees (the "event_attendees"
    audience, emails.audiences; the event is `bulk.audience_params["event"]`): its
    ticket holders, oldest booking first. They get it even after unsubscribing from
    news, as it is about the ticket they hold; the bulk sender keeps one email per
    address."""
    event_id = (bulk.audience_params or {}).get("event")
    if not event_id:
        return
    tickets = (
        Ticket.objects.filter(event_id=event_id)
        .active()
        .select_related("user")
        .order_by("created_at")
    )
    for ticket in tickets.iterator():
        recipient = ticket_recipient(ticket)
        if recipient is not None:
            yield recipient
