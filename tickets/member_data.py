"""What tickets holds about a member, for community's history API, GDPR export and
erasure (seam: community.contributors, registered from TicketsConfig.ready()), and
the no-show rule community's admin and history API show (`MemberStanding`).

The history items and the export section are exactly what community built itself
before the seam existed: the history API's JSON is byte-identical.
"""

from django.db.models import Q
from django.utils import timezone

from community.privacy import ERASED_NAME
from payments.models import Payment
from payments.selectors import payments_for_payables
from tickets import selectors
from tickets.models import Ticket, WaitingListEntry
from tickets.selectors import PAYABLE_KIND


def member_history(user) -> list[Ticket]:
    """The member's tickets, newest event first, each with `history_payments`
    (oldest first) and its event: two queries whatever the number of tickets."""
    tickets = list(
        Ticket.objects.filter(user=user)
        .select_related("event")
        .order_by("-event__starts_at")
    )
    payments = payments_for_payables(PAYABLE_KIND, [ticket.pk for ticket in tickets])
    for ticket in tickets:
        ticket.history_payments = payments.get(str(ticket.pk), [])
    return tickets


def _export_payment(payment) -> dict:
    return {
        "id": str(payment.pk),
        "provider": payment.provider,
        "amount": payment.amount,
        "currency": payment.currency,
        "status": payment.status,
        "refunded_amount": payment.refunded_amount,
        "created_at": payment.created_at,
    }


def member_export(user) -> list[dict]:
    """The "tickets" section of the data export: every ticket with its payments."""
    tickets = list(
        Ticket.objects.filter(user=user).select_related("event").order_by("created_at")
    )
    payments = payments_for_payables(PAYABLE_KIND, [ticket.pk for ticket in tickets])
    return [
        {
            "id": str(ticket.pk),
            "code": ticket.code,
            "event": ticket.event.title,
            "event_starts_at": ticket.event.starts_at,
            "status": ticket.status,
            "attendee_name": ticket.attendee_name,
            "attendee_email": ticket.attendee_email,
            "payment_method": ticket.payment_method,
            "checked_in_at": ticket.checkin_at,
            "booked_at": ticket.created_at,
            "payments": [
                _export_payment(payment) for payment in payments.get(str(ticket.pk), [])
            ],
        }
        for ticket in tickets
    ]


def member_erase(user, *, actor=None) -> None:
    """Anonymise the member's tickets (theirs, and those booked for their address)
    and waiting-list entries; the rows stay for the accounts and the seat counts.
    The provider payloads of those tickets' payments carry the payer's name and
    address: emptied too (amounts, dates and references stay). Runs inside
    user_erase's transaction, before the user's address is replaced."""
    now = timezone.now()
    email = user.email
    ticket_ids = list(
        Ticket.objects.filter(
            Q(user=user) | Q(attendee_email__iexact=email)
        ).values_list("pk", flat=True)
    )
    Ticket.objects.filter(pk__in=ticket_ids).update(
        attendee_name=ERASED_NAME, attendee_email="", updated_at=now
    )
    Payment.objects.of_many(PAYABLE_KIND, ticket_ids).update(raw={}, updated_at=now)
    WaitingListEntry.objects.filter(Q(user=user) | Q(email__iexact=email)).update(
        name=ERASED_NAME, email="", updated_at=now
    )


def member_active_since(since):
    """Ids of the members who booked, or had an event, at or after `since` (the
    guest retention rule: community.privacy.guest_data_purge)."""
    return (
        Ticket.objects.filter(Q(created_at__gte=since) | Q(event__ends_at__gte=since))
        .filter(user__isnull=False)
        .values("user_id")
    )


class TicketsStanding:
    """The no-show rule (tickets.selectors), as community.contributors asks for it."""

    def annotate_no_shows(self, users):
        return selectors.with_no_show_count(users)

    def no_shows(self, user) -> int:
        return selectors.no_show_count(user=user)

    def no_shows_counted_in(self, history: list) -> int:
        return selectors.no_shows_counted_in(history)

    def pays_ahead(self, user, *, no_shows: int) -> bool:
        return selectors.pays_ahead(user, no_shows=no_shows)
