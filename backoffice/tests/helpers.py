"""Money as the services leave it: cash through payments' and tickets' services,
online payments as the provider's notification leaves them (succeeded, with the
provider's payload), refunds through payment_refund, moved in time where a test
needs another day."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from payments.models import Payment, PaymentStatus, Provider, Refund
from payments.providers.base import REFUND_SUCCEEDED, RefundState
from payments.services import payment_refund
from payments.services.refunds import apply_refunds
from tickets.models import PaymentMethod, Ticket
from tickets.payables import ticket_payment_record_cash
from tickets.tests.factories import TicketFactory


def at(year, month, day, hour=12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def online_paid(event, amount, *, provider=Provider.STRIPE, when=None, fees=None):
    """A ticket paid online. `fees`: MercadoPago's fee_details amounts (the seller's)."""
    ticket = TicketFactory(event=event, payment_method=PaymentMethod.ONLINE)
    paid = {"id": "prov-1"}
    if fees is not None:
        paid["fee_details"] = [
            {"type": "mercadopago_fee", "amount": float(f), "fee_payer": "collector"}
            for f in fees
        ]
    payment = Payment.objects.create(
        payable_kind="ticket",
        payable_id=str(ticket.pk),
        event_id=event.pk,
        provider=provider,
        amount=Decimal(amount),
        currency=event.currency,
        status=PaymentStatus.SUCCEEDED,
        provider_reference=f"ref-{ticket.code}",
        raw={"paid": paid},
    )
    if when is not None:
        # Booked and paid that day.
        Ticket.objects.filter(pk=ticket.pk).update(created_at=when)
        Payment.objects.filter(pk=payment.pk).update(created_at=when)
        payment.refresh_from_db()
    return payment


def cash_paid(event, amount, *, actor, when=None):
    """A pay-at-the-door ticket whose cash `actor` took (tickets' service)."""
    ticket = TicketFactory(
        event=event, payment_method=PaymentMethod.DOOR, amount_due=Decimal(amount)
    )
    payment = ticket_payment_record_cash(
        ticket=ticket, amount=Decimal(amount), actor=actor
    )
    if when is not None:
        # Booked and paid that day.
        Ticket.objects.filter(pk=ticket.pk).update(created_at=when)
        Payment.objects.filter(pk=payment.pk).update(created_at=when)
        payment.refresh_from_db()
    return payment


def refund(payment, amount, *, actor, when=None):
    """Refund through payments' services: cash over the counter (payment_refund),
    an online payment as the provider's refund event reports it (apply_refunds),
    so the ticket or pass hears of it as it would. `when` moves the refund's day."""
    if payment.provider == Provider.CASH:
        payment_refund(payment=payment, amount=Decimal(amount), actor=actor)
    else:
        with transaction.atomic():
            apply_refunds(
                payment=payment,
                refunds=[
                    RefundState(
                        provider_refund_id=f"re_{payment.pk.hex[:8]}_{payment.refunds.count()}",
                        state=REFUND_SUCCEEDED,
                        amount=Decimal(amount),
                    )
                ],
            )
    row = payment.refunds.order_by("-created_at").first()
    if when is not None:
        Refund.objects.filter(pk=row.pk).update(created_at=when)
    payment.refresh_from_db()
    return row
