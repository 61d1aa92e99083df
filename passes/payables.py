"""Passes as payables (the seam payments.payables): a pass is activated when its
payment succeeds and closed when it is refunded in full. Registered as kind "pass"
from PassesConfig.ready(); payments never imports passes."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from passes import services as pass_services
from passes.models import Pass, PassStatus
from passes.notifications import pass_receipt_mail, pass_refund_mail
from payments.models import Payment
from payments.payables import CheckoutTerms, PayableLoader, Payer
from payments.services import STRIPE_MIN_EXPIRY
from spanglish.errors import ConflictError

KIND = "pass"
# How long a pass checkout stays open (nothing is held meanwhile).
PASS_CHECKOUT_MINUTES = 60


class PassPayable(PayableLoader):
    unavailable = ("pass_closed", "paid for a pass that was closed meanwhile")

    def queryset(self):
        return Pass.objects.select_related("product", "user")

    def _pass(self, payment: Payment) -> Pass:
        return self.payable_of(payment)

    def get(self, payable_id) -> Pass | None:
        try:
            return Pass.objects.filter(pk=payable_id).first()
        except ValidationError:
            return None

    def held_by(self, pass_purchase: Pass, *, user, session) -> bool:
        return bool(
            user is not None
            and user.is_authenticated
            and pass_purchase.user_id == user.pk
        )

    def checkout_terms(self, payable_id, *, provider_code: str) -> CheckoutTerms:
        pass_purchase = Pass.objects.select_for_update().get(pk=payable_id)
        if pass_purchase.status != PassStatus.PENDING_PAYMENT:
            raise ConflictError(
                _("This pass is not waiting for a payment."), code="not_payable"
            )
        return CheckoutTerms(
            amount=pass_purchase.price, currency=pass_purchase.currency
        )

    def checkout_expiry(self, payable_id, *, provider_code: str):
        minutes = max(
            PASS_CHECKOUT_MINUTES, int(STRIPE_MIN_EXPIRY.total_seconds() // 60)
        )
        return timezone.now() + timedelta(minutes=minutes)

    def on_paid(self, payment: Payment) -> bool:
        return pass_services.pass_activate(pass_purchase=self._pass(payment))

    def on_failed(self, payment: Payment) -> None:
        """Nothing: the pass stays waiting for a payment; a new checkout may start."""

    def on_refunded(
        self, payment: Payment, *, amount: Decimal, full: bool, actor=None
    ) -> None:
        if full:
            pass_services.pass_close(pass_purchase=self._pass(payment), actor=actor)

    def describe(self, payment: Payment) -> str:
        return str(self._pass(payment).product)

    def owner_id(self, payment: Payment):
        return self._pass(payment).user_id

    def visible_to(self, payment: Payment, *, user, session) -> bool:
        return self.held_by(self._pass(payment), user=user, session=session)

    def event_id(self, payment: Payment):
        return self._pass(payment).sold_at_event_id

    def payer(self, payment: Payment) -> Payer:
        user = self._pass(payment).user
        return Payer(email=user.email, user=user)

    def item_id(self, payment: Payment) -> str:
        return str(self._pass(payment).product_id)

    def mail(self, payment: Payment, *, purpose: str, language: str, amount=None):
        pass_purchase = self._pass(payment)
        if purpose == "receipt":
            return pass_receipt_mail(payment, pass_purchase, language=language)
        return pass_refund_mail(
            payment, pass_purchase, language=language, amount=amount
        )

    def page_context(self, payment: Payment) -> dict:
        return {"ticket": None, "pass_purchase": self._pass(payment)}

    def status_fields(self, payment: Payment) -> dict:
        return {"pass_status": self._pass(payment).status}

    def search(self, term: str) -> list[str]:
        return []
