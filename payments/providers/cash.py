"""Cash at the door: recorded by door staff, never started online."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from payments.providers.base import PaymentProvider


class CashProvider(PaymentProvider):
    code = "cash"
    label = _("Cash at the door")
    online = False

    def is_configured(self) -> bool:
        return True

    def fetch_state(self, *, payment):
        return None

    def refund(
        self, *, payment, amount: Decimal, idempotency_key: str, refund_id: str = ""
    ) -> dict:
        # Money goes back over the counter; the audit entry is the record.
        return {"method": "cash", "amount": str(amount)}

    def list_refunds(self, *, payment):
        return []


provider = CashProvider()
