"""Seam: what a payment pays for (a "payable") — payments is generic over it.

A payment belongs to one payable through `Payment.payable_kind` ("ticket", "pass")
and `Payment.payable_id` (its primary key as text). Payments imports no app above
it: each app that sells something registers a handler for its kind from its
`AppConfig.ready()` (tickets in tickets/payables.py, passes in passes/payables.py):

    register_payable("ticket", TicketPayable())

A handler is any object with these methods (`payment.payable_id` is a string):

- `checkout_terms(payable_id, *, provider_code) -> CheckoutTerms` — called inside
  the transaction that creates a pending payment: lock the payable row, refuse
  (ConflictError) when it is not waiting for a payment, answer what to charge.
- `checkout_expiry(payable_id, *, provider_code)` — then, only when no live
  checkout is reused: until when the new checkout stays open (aware datetime; at
  least `payments.services.STRIPE_MIN_EXPIRY` from now for Stripe).
- `on_paid(payment) -> bool` — the provider says it is paid (the payment row is
  locked): give what was bought. False when it can no longer be given (the seat
  went to someone else, the pass was closed): the money is then refunded
  automatically and the payment flagged.
- `on_failed(payment)` — a pending payment failed or expired.
- `on_refunded(payment, *, amount, full: bool, actor=None)` — a refund was counted
  (`full`: nothing is left of the payment).
- `describe(payment) -> str` — the line shown at the provider's checkout, on
  receipts and in the admin.
- `owner_id(payment)` — pk of the user who may see the payment (or None).
- `visible_to(payment, *, user, session) -> bool` — who may see the payment besides
  staff (a guest's browser session that booked a ticket, …).
- `event_id(payment)` — the event the payable belongs to, or None. (Payments
  also keep it in `Payment.event`, set when they are created, for the door's
  cash-up and the admin's totals per event.)
- `payer(payment) -> Payer` — who pays: the address given to the provider and the
  recipient of receipts.
- `item_id(payment) -> str` — the item's id shown at MercadoPago.
- `mail(payment, *, purpose, language, amount=None) -> PayerMail | None` — the
  receipt (`purpose="receipt"`) or refund mail (`"refund"`): template and context;
  payments/notifications.py sends it.
- `page_context(payment) -> dict` and `status_fields(payment) -> dict` — what the
  payment's return page and its status JSON add about the payable.
- `search(term) -> list[str]` — payable ids matching an admin search term.
- `get(payable_id)` — the payable (None when there is none) and
  `held_by(payable, *, user, session) -> bool` — whether this visitor may pay it:
  the `payments:start` link and the API's initiate take a ticket id and resolve
  it through `payable_handler("ticket").get(...)` / `.held_by(...)`.

Provider metadata carry `payment_id` and `<kind>_id` (`ticket_id`, `pass_id`),
exactly as before payables existed, so checkouts opened before the change confirm.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

_HANDLERS: dict[str, Any] = {}


@dataclass(frozen=True)
class CheckoutTerms:
    """What a pending payment charges for a payable."""

    amount: Decimal
    currency: str
    event_id: Any = None  # the event the money counts for (Payment.event)


@dataclass(frozen=True)
class Payer:
    email: str
    name: str = ""
    user: Any = None


@dataclass(frozen=True)
class PayerMail:
    template: str
    context: dict = field(default_factory=dict)
    topic: str = ""


def register_payable(kind: str, handler) -> None:
    """Called from an AppConfig.ready(); registering a kind again replaces it."""
    _HANDLERS[kind] = handler


def payable_handler(kind: str):
    """The handler registered for `kind` (KeyError when no app registered it)."""
    return _HANDLERS[kind]


def payable_kinds() -> list[str]:
    return list(_HANDLERS)


def payables_prefetch(payments) -> None:
    """Load what each of `payments` paid for with one query per kind, so a list that
    describes every row (the admin's changelist) does not ask once per row. Handlers
    with a `load_many(ids) -> {id: object}` fill the cache their own lookups read."""
    by_kind: dict[str, list] = {}
    for payment in payments:
        by_kind.setdefault(payment.payable_kind, []).append(payment)
    for kind, group in by_kind.items():
        handler = _HANDLERS.get(kind)
        if handler is None or not hasattr(handler, "load_many"):
            continue
        loaded = handler.load_many({payment.payable_id for payment in group})
        for payment in group:
            found = loaded.get(payment.payable_id)
            if found is not None:
                payment._payable_cache = found


class PayableLoader:
    """What handlers share: load the object a payment paid for once per payment, and
    for many payments at once (payables_prefetch). Subclasses give `queryset()`."""

    def queryset(self):
        raise NotImplementedError

    def load_many(self, ids) -> dict:
        return {str(obj.pk): obj for obj in self.queryset().filter(pk__in=ids)}

    def payable_of(self, payment):
        cached = getattr(payment, "_payable_cache", None)
        if cached is None or str(cached.pk) != payment.payable_id:
            cached = self.queryset().get(pk=payment.payable_id)
            payment._payable_cache = cached
        return cached
