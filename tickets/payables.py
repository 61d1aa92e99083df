"""Tickets as payables (the seam payments.payables): what happens to a ticket when
its payment succeeds, fails or is refunded, and what payments may show of it.
Registered as kind "ticket" from TicketsConfig.ready(); payments never imports
tickets. The helpers below are the ticket-shaped calls of the generic payments
services (checkout, cash at the door, the payments of a ticket)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from payments import services as payment_services
from payments.models import Payment, Provider
from payments.payables import CheckoutTerms, PayableLoader, Payer, PayerMail
from spanglish.errors import ConflictError
from tickets.access import holds_ticket
from tickets.links import ticket_manage_url
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.services import ticket_cancel, ticket_confirm_payment

KIND = "ticket"


class TicketPayable(PayableLoader):
    unavailable = ("seat_gone", "paid after the seat was given to someone else")

    def queryset(self):
        return Ticket.objects.select_related("event", "user")

    def _ticket(self, payment: Payment) -> Ticket:
        return self.payable_of(payment)

    def get(self, payable_id) -> Ticket | None:
        try:
            return Ticket.objects.select_related("event").filter(pk=payable_id).first()
        except ValidationError:
            return None

    def held_by(self, ticket: Ticket, *, user, session) -> bool:
        """The ticket's holder: its signed-in owner, or the browser that booked it."""
        return holds_ticket(user=user, session=session, ticket=ticket)

    def checkout_terms(self, payable_id, *, provider_code: str) -> CheckoutTerms:
        ticket = (
            Ticket.objects.select_for_update()
            .select_related("event")
            .get(pk=payable_id)
        )
        if (
            ticket.payment_method != PaymentMethod.ONLINE
            or not ticket.holds_seat
            or ticket.status != TicketStatus.PENDING_PAYMENT
        ):
            raise ConflictError(
                _("This ticket is not waiting for an online payment."),
                code="not_payable",
            )
        return CheckoutTerms(
            amount=ticket.event.price,
            currency=ticket.event.currency,
            event_id=ticket.event_id,
        )

    def checkout_expiry(self, payable_id, *, provider_code: str):
        """The seat hold, extended to Stripe's minimum checkout expiry when shorter
        (the row is locked by checkout_terms)."""
        ticket = Ticket.objects.select_for_update().get(pk=payable_id)
        now = timezone.now()
        minimum = now + payment_services.STRIPE_MIN_EXPIRY
        if provider_code == Provider.STRIPE and ticket.hold_expires_at < minimum:
            before = ticket.hold_expires_at
            ticket.hold_expires_at = minimum
            ticket.save(update_fields=["hold_expires_at", "updated_at"])
            audit_record(
                action="ticket.hold_extended",
                target=ticket,
                changes={
                    "hold_expires_at": [
                        before.isoformat(),
                        ticket.hold_expires_at.isoformat(),
                    ],
                    "reason": "stripe checkout minimum expiry",
                },
            )
        return ticket.hold_expires_at

    def on_paid(self, payment: Payment) -> bool:
        return ticket_confirm_payment(ticket=self._ticket(payment))

    def on_failed(self, payment: Payment) -> None:
        """Nothing: the seat stays held until the hold expires (another try)."""

    def on_refunded(
        self, payment: Payment, *, amount: Decimal, full: bool, actor=None
    ) -> None:
        """A full refund marks the ticket refunded and frees its seat; a
        checked-in ticket keeps its check-in."""
        ticket = self._ticket(payment)
        if full and ticket.status != TicketStatus.CHECKED_IN:
            ticket_cancel(ticket=ticket, actor=actor, status=TicketStatus.REFUNDED)

    def describe(self, payment: Payment) -> str:
        return str(self._ticket(payment).event)

    def owner_id(self, payment: Payment):
        return self._ticket(payment).user_id

    def visible_to(self, payment: Payment, *, user, session) -> bool:
        return holds_ticket(user=user, session=session, ticket=self._ticket(payment))

    def event_id(self, payment: Payment):
        return self._ticket(payment).event_id

    def payer(self, payment: Payment) -> Payer:
        ticket = self._ticket(payment)
        return Payer(
            email=ticket.attendee_email, name=ticket.attendee_name, user=ticket.user
        )

    def item_id(self, payment: Payment) -> str:
        return str(self._ticket(payment).event_id)

    def mail(self, payment: Payment, *, purpose: str, language: str, amount=None):
        ticket = self._ticket(payment)
        topic = f"event:{ticket.event_id}"
        context = {"payment": payment, "ticket": ticket, "event": ticket.event}
        if purpose == "receipt":
            context["manage_url"] = ticket_manage_url(ticket)
            return PayerMail(template="payment_receipt", context=context, topic=topic)
        return PayerMail(
            template="refund", context={**context, "amount": amount}, topic=topic
        )

    def page_context(self, payment: Payment) -> dict:
        return {"ticket": self._ticket(payment), "pass_purchase": None}

    def status_fields(self, payment: Payment) -> dict:
        return {"ticket_status": self._ticket(payment).status}

    def search(self, term: str) -> list[str]:
        codes = Ticket.objects.filter(code__icontains=term).values_list("pk", flat=True)
        return [str(pk) for pk in codes[:1000]]


# --- Ticket-shaped calls of the payments services -----------------------------------


def ticket_payments(ticket: Ticket) -> QuerySet:
    """The payments of one ticket."""
    return Payment.objects.of(KIND, ticket.pk)


def ticket_payment_start(*, ticket: Ticket, provider_code: str) -> Payment:
    """Open an online checkout for a held ticket (payments.services.payment_start)."""
    return payment_services.payment_start(
        kind=KIND, payable_id=ticket.pk, provider_code=provider_code
    )


@transaction.atomic
def ticket_payment_record_cash(*, ticket: Ticket, amount: Decimal, actor) -> Payment:
    """Door staff took cash for a pay-at-the-door ticket. Locks the ticket row; a
    second call returns the payment already recorded. Receipt after commit."""
    ticket = (
        Ticket.objects.select_for_update().select_related("event").get(pk=ticket.pk)
    )
    return payment_services.payment_record_cash(
        kind=KIND,
        payable_id=ticket.pk,
        amount=amount,
        currency=ticket.event.currency,
        event_id=ticket.event_id,
        actor=actor,
        once=True,
    )
