import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from payments.payables import payable_handler
from spanglish.currency import format_money
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


class PaymentQuerySet(models.QuerySet):
    def of(self, kind: str, payable_id) -> "PaymentQuerySet":
        """The payments of one payable (payments.payables)."""
        return self.filter(payable_kind=kind, payable_id=str(payable_id))

    def of_many(self, kind: str, payable_ids) -> "PaymentQuerySet":
        return self.filter(
            payable_kind=kind, payable_id__in=[str(i) for i in payable_ids]
        )


class PayableRef(models.Func):
    """A UUID primary key as the text `Payment.payable_id` holds (str(uuid), with
    dashes), on every database: for subqueries such as
    `Payment.objects.filter(payable_kind="ticket", payable_id=PayableRef(OuterRef("pk")))`.
    SQLite stores a UUID as 32 hex digits, PostgreSQL casts it with dashes."""

    output_field = models.CharField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="CAST(%(expressions)s AS text)"
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        parts = " || '-' || ".join(
            f"substr({sql}, {start}, {length})"
            for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        )
        return f"lower({parts})", params * 5


class Payment(TimeStampedModel):
    """Money for one payable (a ticket, a pass…: payments.payables) through one
    provider. Amounts are exact decimals."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payable_kind = models.CharField(_("paid for"), max_length=32)
    payable_id = models.CharField(_("paid item id"), max_length=64)
    # The event the money was taken for (a ticket's event, the door a pass was sold
    # at for cash; None for a pass bought online): the admin's totals and filter
    # per event, the door's cash-up.
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
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

    objects = PaymentQuerySet.as_manager()

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
                condition=~models.Q(payable_kind="") & ~models.Q(payable_id=""),
                name="payment_has_payable",
            ),
        ]
        indexes = [
            models.Index(fields=["payable_kind", "payable_id"], name="payment_payable")
        ]

    def __str__(self):
        return (
            f"{self.get_provider_display()} {format_money(self.amount, self.currency)} "
            f"({self.get_status_display()})"
        )

    @property
    def refundable_amount(self) -> Decimal:
        return self.amount - self.refunded_amount

    @property
    def handler(self):
        """What this payment pays for knows the rest (payments.payables)."""
        return payable_handler(self.payable_kind)

    @property
    def item_title(self) -> str:
        """What the payer sees at the provider's checkout."""
        return self.handler.describe(self)

    @property
    def payer_email(self) -> str:
        return self.handler.payer(self).email

    def provider_metadata(self) -> dict[str, str]:
        """Our ids, sent to the provider and echoed back in its notifications
        (`ticket_id` / `pass_id`, as before payables existed)."""
        return {"payment_id": str(self.pk), f"{self.payable_kind}_id": self.payable_id}


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
        amount = format_money(self.amount, self.payment.currency)
        return f"{amount} ({self.get_status_display()})"


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
