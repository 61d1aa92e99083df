"""Passes: bundles of sessions (or unlimited sessions for a while) bought once.

A pass copies its product's terms when it is sold, so editing a product never
changes passes already in people's hands. Sessions left are counted from PassUse
rows (never a counter that can drift): a use whose ticket was cancelled before
the event and before the pass expired gives its session back.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payments.models import Payment
from spanglish.db import TimeStampedModel
from spanglish.i18n import translated

# Ticket statuses that end a ticket (tickets.services.ENDED_STATUSES).
ENDED_TICKET_STATUSES = ("cancelled", "refunded", "expired")


class PassProductQuerySet(models.QuerySet):
    def on_sale(self):
        return self.filter(is_active=True)


class PassProduct(TimeStampedModel):
    """What organizers sell: "5 sessions of Intercambio", "one month, any event"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name_es = models.CharField(_("name (Spanish)"), max_length=150, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    series = models.ForeignKey(
        "events.EventSeries",
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pass_products",
        help_text=_("Leave empty for a pass that covers any event."),
    )
    sessions = models.PositiveIntegerField(
        _("sessions"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for unlimited sessions while the pass is valid."),
    )
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"),
        default=90,
        validators=[MinValueValidator(1)],
        help_text=_("The pass expires this many days after it is paid."),
    )
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, default=settings.DEFAULT_CURRENCY
    )
    is_active = models.BooleanField(_("on sale"), default=True)

    objects = PassProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("pass product")
        verbose_name_plural = _("pass products")
        ordering = ["price", "name_en"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0), name="pass_product_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(sessions__isnull=True) | Q(sessions__gte=1),
                name="pass_product_sessions_min_1",
            ),
            models.CheckConstraint(
                condition=Q(validity_days__gte=1), name="pass_product_validity_min_1"
            ),
        ]

    def __str__(self):
        return self.name or str(self.pk)

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def description(self) -> str:
        return translated(self, "description")


class PassStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed (refunded)")
    CANCELLED = "cancelled", _("Not paid")


def spent_uses_q(prefix: str = "", expiry_path: str = "pass_purchase__expires_at") -> Q:
    """Uses that still count against the pass: every use except those whose ticket
    ended (cancelled, refunded) before the event started and before the pass expired.
    `prefix` is the path from the queried model to PassUse ("uses__" from Pass), and
    `expiry_path` the path to the pass's expiry from the queried model."""
    p = prefix
    returned = (
        Q(**{f"{p}ticket__status__in": ENDED_TICKET_STATUSES})
        & Q(**{f"{p}ticket__cancelled_at__isnull": False})
        & Q(**{f"{p}ticket__cancelled_at__lt": F(f"{p}event__starts_at")})
        & Q(**{f"{p}ticket__cancelled_at__lt": F(expiry_path)})
    )
    return ~returned


class PassQuerySet(models.QuerySet):
    def with_sessions_used(self):
        return self.annotate(
            sessions_used_count=Count(
                "uses", filter=spent_uses_q("uses__", expiry_path="expires_at")
            )
        )

    def valid(self, now=None):
        """Paid, not closed, not expired."""
        return self.filter(
            status=PassStatus.ACTIVE, expires_at__gt=now or timezone.now()
        )


class Pass(TimeStampedModel):
    """One person's pass. Terms (coverage, sessions, validity, price) are copied
    from the product at sale time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(
        PassProduct,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="passes",
    )
    # PROTECT: money records survive account erasure (the user row is anonymised).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="passes",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PassStatus.choices,
        default=PassStatus.PENDING_PAYMENT,
        db_index=True,
    )
    series = models.ForeignKey(
        "events.EventSeries",
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sessions_total = models.PositiveIntegerField(_("sessions"), null=True, blank=True)
    validity_days = models.PositiveIntegerField(_("valid for (days)"))
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    activated_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sold in cash by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when the cash was taken at an event's door: that night's cash-up counts it.
    sold_at_event = models.ForeignKey(
        "events.Event",
        verbose_name=_("sold at the door of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = PassQuerySet.as_manager()

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("passes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="active")
                | Q(activated_at__isnull=False, expires_at__isnull=False),
                name="pass_active_has_dates",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.product} — {self.user}"

    def get_absolute_url(self):
        return reverse("passes:list") + f"#pass-{self.pk}"

    @property
    def payments(self):
        """The pass's payments (payments.payables: kind "pass")."""
        return Payment.objects.of("pass", self.pk)

    @property
    def is_expired(self) -> bool:
        return bool(self.expires_at and self.expires_at <= timezone.now())

    @property
    def is_valid(self) -> bool:
        return self.status == PassStatus.ACTIVE and not self.is_expired

    @property
    def sessions_used(self) -> int:
        """Uses the `sessions_used_count` annotation when the queryset has it."""
        used = getattr(self, "sessions_used_count", None)
        if used is None:
            used = self.uses.filter(spent_uses_q()).count()
        return used

    @property
    def sessions_left(self) -> int | None:
        """None: unlimited sessions."""
        if self.sessions_total is None:
            return None
        return max(self.sessions_total - self.sessions_used, 0)

    def covers(self, event) -> bool:
        return self.series_id is None or event.series_id == self.series_id


class PassUse(TimeStampedModel):
    """One session booked with a pass. The ticket says whether it still counts."""

    pass_purchase = models.ForeignKey(
        Pass, verbose_name=_("pass"), on_delete=models.PROTECT, related_name="uses"
    )
    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="pass_use",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pass use")
        verbose_name_plural = _("pass uses")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.pass_purchase} → {self.event}"

    @property
    def counts(self) -> bool:
        """Whether this use still spends a session of the pass."""
        ticket = self.ticket
        if ticket.status not in ENDED_TICKET_STATUSES or ticket.cancelled_at is None:
            return True
        expires_at = self.pass_purchase.expires_at
        return not (
            ticket.cancelled_at < self.event.starts_at
            and expires_at is not None
            and ticket.cancelled_at < expires_at
        )
