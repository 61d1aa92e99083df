"""The interface every payment provider implements.

Providers talk to the outside world only; every decision about our rows is taken in
payments/services.py from the normalised `ProviderState` they return.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar


class InvalidSignature(Exception):
    """The notification was not signed by the provider: answer 400, change nothing."""


class ProviderError(Exception):
    """The provider's API failed or refused; the caller decides whether to retry."""


# Normalised states a provider reports for one payment.
PAID = "paid"
FAILED = "failed"
PENDING = "pending"
EXPIRED = "expired"
REFUNDED = "refunded"

# Normalised states of one refund at a provider.
REFUND_SUCCEEDED = "succeeded"
REFUND_PENDING = "pending"
REFUND_FAILED = "failed"


@dataclass
class CheckoutStart:
    reference: str  # the provider's id of the checkout (session, preference)
    url: str  # where the payer is sent
    raw: dict = field(default_factory=dict)


@dataclass
class ProviderState:
    """What the provider's API says about one of our payments."""

    payment_id: str  # our Payment id, from metadata / external_reference
    state: str  # PAID, FAILED, PENDING, EXPIRED or REFUNDED
    amount: Decimal | None = None
    currency: str = ""
    provider_payment_id: str = ""  # the charge itself (payment intent, MP payment)
    refunded_amount: Decimal | None = None
    raw: dict = field(default_factory=dict)


@dataclass
class RefundState:
    """What the provider says about one refund of one of our payments."""

    provider_refund_id: str  # Stripe's re_…, MercadoPago's refund id
    state: str  # REFUND_SUCCEEDED, REFUND_PENDING or REFUND_FAILED
    amount: Decimal
    payment_id: str = ""  # our Payment id, when the provider echoes it
    provider_payment_id: str = ""  # the charge refunded (payment intent, MP payment)
    refund_id: str = ""  # our Refund id, when we created it and it is echoed back
    error: str = ""
    raw: dict = field(default_factory=dict)


@dataclass
class Notification:
    """A verified notification. `state` is None when it carries nothing to apply.

    A provider whose notification is only a hint sets `fetch` instead: it asks the
    provider's API for the state, and is only called once the event id is known to
    be new, so a replay never reaches the provider."""

    event_id: str
    event_type: str
    state: ProviderState | None
    payload: dict = field(default_factory=dict)
    fetch: Callable[[], ProviderState | None] | None = None
    # Refund events: the refunds to apply one by one, or `fetch_refunds` to ask the
    # provider for them (same rule as `fetch`: only for a new event id).
    refunds: list[RefundState] | None = None
    fetch_refunds: Callable[[], list[RefundState]] | None = None

    def load_state(self) -> ProviderState | None:
        """The state to apply (may call the provider; raises ProviderError)."""
        if self.fetch is not None:
            self.state = self.fetch()
            self.fetch = None
        return self.state

    def load_refunds(self) -> list[RefundState] | None:
        """The refunds to apply (may call the provider; raises ProviderError)."""
        if self.fetch_refunds is not None:
            self.refunds = self.fetch_refunds()
            self.fetch_refunds = None
        return self.refunds


class PaymentProvider:
    code: ClassVar[str]
    label: ClassVar[str]
    online: ClassVar[bool] = True

    def is_configured(self) -> bool:
        raise NotImplementedError

    def start_checkout(
        self, *, payment, success_url: str, cancel_url: str, expires_at
    ) -> CheckoutStart:
        raise NotImplementedError

    def matches_request(self, request) -> bool:
        """Whether an incoming webhook carries this provider's signature header."""
        return False

    def parse_notification(self, *, request) -> Notification:
        """Verify the signature (raise InvalidSignature) and normalise the content."""
        raise NotImplementedError

    def fetch_state(self, *, payment) -> ProviderState | None:
        """Ask the provider about a payment (reconciliation). None: nothing known yet."""
        raise NotImplementedError

    def refund(
        self, *, payment, amount: Decimal, idempotency_key: str, refund_id: str = ""
    ) -> dict:
        """Refund `amount` of a succeeded payment; returns the provider's answer.
        `refund_id` is our Refund row's id, for providers that can echo it back."""
        raise NotImplementedError

    def refund_state(self, *, payment, answer: dict) -> RefundState:
        """Normalise the answer `refund` returned (a refund it made or is making)."""
        return RefundState(
            provider_refund_id=str(answer.get("id") or ""),
            state=REFUND_SUCCEEDED,
            amount=Decimal(0),
            raw=answer,
        )

    def list_refunds(self, *, payment) -> list[RefundState]:
        """Every refund the provider made of `payment` (reconciliation)."""
        raise NotImplementedError

    def cancel_checkout(self, *, payment) -> None:
        """Best effort: make an abandoned checkout unusable."""
