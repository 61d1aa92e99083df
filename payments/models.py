import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spanglish.db import TimeStampedModel


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    MERCADOPAGO = "mercadopago", "MercadoPago"
    CASH = "cash", _("Cash")


# What a payer may choose online (API request bodies).
ONLINE_PROVIDER_CHOICES = [
    (Provider.STRIPE.value, Provider.STRIPE.label),
    (Provider.MERCADOPAGO.value, Provider.MERCADOPAGO.label),
]


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    CANCELLED = "cancelled", _("Cancelled")
    # Someone was let in without paying (a walk-in who typed 0): the row records
    # what they owe, no money was received. Never counted as cash, never refunded.
    UNPAID = "unpaid", _("Admitted, not paid")


class Payment(TimeStampedModel):
    """Money for one ticket or one pass through one provider. Amounts are exact
    decimals. Exactly one of `ticket` and `pass_purchase` is set."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    pass_purchase = models.ForeignKey(
        "passes.Pass",
        verbose_name=_("pass"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
        db_index=True,
    )
    provider_reference = models.CharField(
        _("provider reference"), max_length=255, blank=True, db_index=True
    )
    provider_payment_id = models.CharField(
        _("provider payment id"), max_length=255, blank=True, db_index=True
    )
    refunded_amount = models.DecimalField(
        _("refunded amount"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    raw = models.JSONField(_("raw provider data"), default=dict, blank=True)
    checkout_url = models.URLField(_("checkout address"), max_length=2000, blank=True)
    flagged = models.BooleanField(
        _("needs staff attention"),
        default=False,
        db_index=True,
        help_text=_("Set when the provider's data did not match or the seat was gone."),
    )
    flag_reason = models.CharField(_("why it was flagged"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="payment_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0)
                & models.Q(refunded_amount__lte=models.F("amount")),
                name="payment_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(ticket__isnull=False, pass_purchase__isnull=True)
                | models.Q(ticket__isnull=True, pass_purchase__isnull=False),
                name="payment_for_ticket_xor_pass",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_provider_display()} {self.amount} {self.currency} "
            f"({self.get_status_display()})"
        )

    @property
    def refundable_amount(self) -> Decimal:
        return self.amount - self.refunded_amount

    @property
    def item_title(self) -> str:
        """What the payer sees at the provider's checkout."""
        if self.ticket_id:
            return str(self.ticket.event)
        return str(self.pass_purchase.product)

    @property
    def payer_email(self) -> str:
        if self.ticket_id:
            return self.ticket.attendee_email
        return self.pass_purchase.user.email

    def provider_metadata(self) -> dict[str, str]:
        """Our ids, sent to the provider and echoed back in its notifications."""
        if self.ticket_id:
            return {"payment_id": str(self.pk), "ticket_id": str(self.ticket_id)}
        return {"payment_id": str(self.pk), "pass_id": str(self.pass_purchase_id)}


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Refund(TimeStampedModel):
    """One refund of a payment. Ours is created `pending` under the payment's
    row lock before the provider is called, so a pending amount counts as used
    when the next refund checks what is left; then settled (`succeeded`, added to
    the payment's `refunded_amount`) or released (`failed`) — by the provider's
    answer, a refund event or the reconciliation. A refund made at the provider
    (Stripe's dashboard) is recorded from its event as a row of its own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RefundStatus.choices,
        default=RefundStatus.PENDING,
        db_index=True,
    )
    provider_refund_id = models.CharField(
        _("provider refund id"), max_length=255, blank=True
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    automatic = models.BooleanField(_("automatic"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="refund_amount_positive"
            ),
            # One provider refund is one row: a refund reported by several events
            # (charge.refunded, refund.created, …) is never counted twice.
            models.UniqueConstraint(
                fields=["payment", "provider_refund_id"],
                condition=~models.Q(provider_refund_id=""),
                name="refund_provider_id_once",
            ),
        ]

    def __str__(self):
        return f"{self.amount} ({self.get_status_display()})"


class PaymentNotification(TimeStampedModel):
    """One webhook notification as received. The unique (provider, event_id) pair is
    what makes a replay harmless: the second insert fails and nothing is applied."""

    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    event_id = models.CharField(_("provider event id"), max_length=255)
    event_type = models.CharField(_("event type"), max_length=100, blank=True)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    result = models.CharField(_("result"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payment_notification_once"
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.event_type} {self.event_id}"
