"""What the door keeps besides tickets and payments: the phones' check-ins as they
synced, each volunteer's counted cash and the organizer's closed cash-up."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spanglish.db import TimeStampedModel


class OfflineCheckin(TimeStampedModel):
    """One check-in a phone made (possibly offline) and sent with /api/door/sync.

    `client_id` is the phone's own id for the check-in: replaying a batch finds the
    row and answers what it answered the first time, so nothing happens twice.
    """

    client_id = models.CharField(_("client id"), max_length=64, unique=True)
    device_id = models.CharField(_("device id"), max_length=64, blank=True)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="offline_checkins",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.CharField(_("ticket code"), max_length=32)
    checked_in_at = models.DateTimeField(_("checked in on the phone at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("synced by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=32)
    message = models.CharField(_("message"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("offline check-in")
        verbose_name_plural = _("offline check-ins")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.code} {self.outcome}"


class CashCount(TimeStampedModel):
    """The cash one volunteer counted at the end of the night for one event."""

    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="cash_counts",
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    counted = models.DecimalField(
        _("counted"), max_digits=10, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        verbose_name = _("cash count")
        verbose_name_plural = _("cash counts")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "volunteer"], name="cashcount_one_per_volunteer"
            ),
            models.CheckConstraint(
                condition=models.Q(counted__gte=0), name="cashcount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} {self.counted}"


class CashUp(TimeStampedModel):
    """An event's closed cash-up: a snapshot, read-only once it exists."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.OneToOneField(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="cash_up",
    )
    currency = models.CharField(_("currency"), max_length=3)
    expected = models.DecimalField(_("expected cash"), max_digits=12, decimal_places=2)
    counted = models.DecimalField(_("counted cash"), max_digits=12, decimal_places=2)
    difference = models.DecimalField(
        _("difference (counted − expected)"), max_digits=12, decimal_places=2
    )
    online_total = models.DecimalField(
        _("paid online"), max_digits=12, decimal_places=2
    )
    pass_tickets = models.PositiveIntegerField(_("tickets on a pass"), default=0)
    # Per volunteer: [{"volunteer_id", "name", "expected", "counted", "difference"}],
    # amounts as decimal strings (exact, and JSON has no decimal type).
    lines = models.JSONField(_("per volunteer"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"))

    class Meta:
        verbose_name = _("cash-up")
        verbose_name_plural = _("cash-ups")
        ordering = ["-closed_at"]

    def __str__(self):
        return f"{self.event} {self.counted}/{self.expected} {self.currency}"
