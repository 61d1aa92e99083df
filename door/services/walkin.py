"""Walk-ins: a newcomer at the door gets a seat, is checked in and pays, in one
transaction. Seats and money move through tickets' and payments' services."""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community.audit import audit_record
from community.languages import user_set_languages
from community.models import User
from community.services import user_get_or_create_by_email
from door.services.amounts import money_amount
from events.models import Event
from spanglish.errors import ConflictError
from tickets import services as ticket_services
from tickets.models import PaymentMethod, Ticket, TicketStatus
from tickets.services import CheckinCash

PLACEHOLDER_DOMAIN = "walk-in.invalid"  # RFC 2606: can never receive mail


def _placeholder_user(*, name: str) -> User:
    """An account for a walk-in who gave no email: it holds the ticket and the
    attendance history, and cannot sign in (inactive, no usable password, and an
    address no mail can reach), so nobody can take it over."""
    return User.objects.create_user(
        email=f"walkin-{uuid.uuid4().hex}@{PLACEHOLDER_DOMAIN}",
        password=None,
        name=name,
        is_active=False,
    )


def _store_languages(*, user: User, languages: list[dict] | None, actor):
    """Keep a walk-in's languages ([{language, kind, level}]) so the language-split
    seats and the tables know them; a member's own profile is never overwritten."""
    if not languages:
        return
    if user.language_skills.exists():
        return
    user_set_languages(user=user, skills=languages, actor=actor)


def walkin_register(
    *,
    event: Event,
    name: str,
    email: str = "",
    languages: list[dict] | None = None,
    amount: Decimal | None = None,
    actor,
) -> Ticket:
    """Book a seat for a newcomer at the door, check them in and record their cash.

    Matches an account by email or creates a placeholder one (see
    _placeholder_user). Capacity rules are ticket_book's (event row locked; sold out
    raises tickets.services.SoldOut). The cash taken (the price unless `amount` says
    otherwise) is recorded with payments.services.payment_record_cash, attributed to
    `actor`; 0 means not paid: checked in as "admitted, not paid"
    (payments.services.payment_record_unpaid), no cash recorded. All in one
    transaction: a refusal leaves nothing behind.
    """
    name = (name or "").strip()
    email = (email or "").strip().lower()
    if not name:
        raise ValidationError({"name": _("Enter the newcomer's name.")})
    with transaction.atomic():
        if email:
            user, _created = user_get_or_create_by_email(email=email, name=name)
        else:
            user = _placeholder_user(name=name)
        _store_languages(user=user, languages=languages, actor=actor)
        payment_method = PaymentMethod.FREE if event.is_free else PaymentMethod.DOOR
        ticket, created = ticket_services.ticket_book(
            event=event,
            user=user,
            payment_method=payment_method,
            attendee_name=name,
            attendee_email=email,
            walk_in=True,  # standing at the door paying now: the no-show rule allows it
        )
        if not created:
            if ticket.status == TicketStatus.CHECKED_IN:
                raise ConflictError(
                    _("%(name)s is already checked in.") % {"name": name},
                    code="already_checked_in",
                )
            if ticket.status == TicketStatus.PENDING_PAYMENT:
                raise ConflictError(
                    _(
                        "%(name)s has a ticket waiting for an online payment: "
                        "find it in the list instead."
                    )
                    % {"name": name},
                    code="pending_payment",
                )
        taken = None
        if ticket.payment_method == PaymentMethod.DOOR and amount is not None:
            taken = money_amount(amount, currency=event.currency, field="amount")
            if taken > 0:
                # What the volunteer typed is this walk-in's price: check-in
                # collects exactly it, so the ticket, the cash payment, the audit
                # entries and the cash-up all show the same amount.
                ticket.amount_due = taken
                ticket.save(update_fields=["amount_due", "updated_at"])
        paid = taken is None or taken > 0
        result = ticket_services.ticket_check_in(
            code=ticket.code,
            event=event,
            actor=actor,
            # 0 typed: let in, nothing taken; they still owe the ticket's price.
            cash=CheckinCash.RECEIVED if paid else CheckinCash.UNPAID,
        )
        if not result.ok:
            raise ConflictError(result.message, code=result.outcome)
        audit_record(
            action="door.walk_in",
            actor=actor,
            target=result.ticket,
            changes={
                "new_ticket": created,
                "email_given": bool(email),
                "cash_taken": str(result.ticket.amount_collected),
                "paid": paid,
            },
        )
        return result.ticket
