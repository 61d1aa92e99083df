import uuid
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from spanglish.db import TimeStampedModel


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    MERCADOPAGO = "mercadopago", "MercadoPago"
    CASH = "cash", _("Cash")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    CANCELLED = "cancelled", _("Cancelled")


class Payment(TimeStampedModel):
    """Money for one ticket through one provider. Amounts are exact decimals."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
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
        ]

    def __str__(self):
        return f"{self.get_provider_display()} {self.amount} {self.currency} ({self.get_status_display()})"
