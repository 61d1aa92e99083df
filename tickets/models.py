import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import EventStatus
from spanglish.db import TimeStampedModel

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # easy to read aloud and type
CODE_LENGTH = 12  # 32**12 ≈ 1.2e18 possibilities: unguessable


def new_ticket_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_ticket_code(raw: str) -> str:
    """Accept what a scanner or a person typed: any case, dashes and spaces."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


class TicketStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Pending payment")
    CONFIRMED = "confirmed", _("Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    EXPIRED = "expired", _("Expired")


# Statuses of a ticket its holder still has (one per person per event).
ACTIVE_STATUSES = (
    TicketStatus.PENDING_PAYMENT,
    TicketStatus.CONFIRMED,
    TicketStatus.CHECKED_IN,
)


class PaymentMethod(models.TextChoices):
    FREE = "free", _("Free")
    ONLINE = "online", _("Online")
    DOOR = "door", _("Pay at the door")
    PASS = "pass", _("Pass")


class Side(models.TextChoices):
    """Which half of a language-split event a seat belongs to (blank: no split)."""

    ES = "es", _("Native Spanish speakers")
    EN = "en", _("Native English speakers")


class TicketQuerySet(models.QuerySet):
    def holding_seats(self, now=None):
        """Seats held = confirmed + checked in + unexpired pending."""
        now = now or timezone.now()
        return self.filter(
            Q(status__in=[TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN])
            | Q(status=TicketStatus.PENDING_PAYMENT, hold_expires_at__gt=now)
        )

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def stale_pending(self, now=None):
        return self.filter(
            status=TicketStatus.PENDING_PAYMENT,
            hold_expires_at__lte=now or timezone.now(),
        )


class Ticket(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # the event+status index leads with it
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    # No index of its own: every query of the status also names the event (covered by
    # the event+status index below) or is a stale-hold sweep (its partial index).
    status = models.CharField(_("status"), max_length=16, choices=TicketStatus.choices)
    attendee_name = models.CharField(_("attendee name"), max_length=150, blank=True)
    attendee_email = models.EmailField(_("attendee email"), blank=True)
    # Unique through Meta.constraints, not unique=True: on PostgreSQL that also builds
    # a varchar_pattern_ops twin no query uses (code searches are "contains").
    code = models.CharField(
        _("ticket code"),
        max_length=32,
        default=new_ticket_code,
        editable=False,
    )
    payment_method = models.CharField(
        _("payment method"), max_length=8, choices=PaymentMethod.choices
    )
    amount_due = models.DecimalField(
        _("amount due at the door"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
    )
    hold_expires_at = models.DateTimeField(_("seat held until"), null=True, blank=True)
    checkin_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    amount_collected = models.DecimalField(
        _("amount collected at the door"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
    )
    side = models.CharField(
        _("language side"), max_length=2, choices=Side.choices, blank=True
    )
    # Anyone can book with anyone's email: only a ticket its address's owner took up
    # (booked signed in, or opened the emailed link) counts against them as a no-show.
    holder_confirmed_at = models.DateTimeField(
        _("confirmed by its holder at"),
        null=True,
        blank=True,
        help_text=_(
            "When the holder booked it signed in or opened the link emailed to them. "
            "Only such tickets count as no-shows."
        ),
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        constraints = [
            # One ticket per person per event, enforced by the database too.
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="ticket_one_active_per_user_event",
            ),
            models.CheckConstraint(
                condition=~Q(status=TicketStatus.CHECKED_IN)
                | Q(checkin_at__isnull=False),
                name="ticket_checked_in_has_time",
            ),
            models.UniqueConstraint(fields=["code"], name="ticket_code_unique"),
        ]
        # Each index is written on every check-in (a status change is never a HOT
        # update): keep only those a query uses. The event+status index also serves
        # every "tickets of this event" lookup, so the FK's own index is dropped.
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(
                fields=["hold_expires_at"],
                condition=Q(status=TicketStatus.PENDING_PAYMENT),
                name="ticket_pending_hold_idx",
            ),
        ]

    def __str__(self):
        return f"{self.attendee_name or self.attendee_email} — {self.event}"

    def get_absolute_url(self):
        return reverse("tickets:detail", kwargs={"pk": self.pk})

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def is_no_show(self) -> bool:
        """Confirmed, never checked in, and the event is over (and took place) —
        and its holder took it up: a ticket a stranger booked with their email and
        they never opened is not theirs to miss."""
        return bool(
            self.status == TicketStatus.CONFIRMED
            and self.holder_confirmed_at is not None
            and self.event.ends_at < timezone.now()
            and self.event.status != EventStatus.CANCELLED
        )

    @property
    def holds_seat(self) -> bool:
        if self.status in (TicketStatus.CONFIRMED, TicketStatus.CHECKED_IN):
            return True
        return bool(
            self.status == TicketStatus.PENDING_PAYMENT
            and self.hold_expires_at
            and self.hold_expires_at > timezone.now()
        )


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Seat offered")
    BOOKED = "booked", _("Booked")
    EXPIRED = "expired", _("Offer expired")
    CANCELLED = "cancelled", _("Left the list")


class WaitingListEntryQuerySet(models.QuerySet):
    def open_offers(self, now=None):
        """Offers still running: each holds one seat until it is taken or expires."""
        return self.filter(
            status=WaitlistStatus.OFFERED, offer_expires_at__gt=now or timezone.now()
        )

    def stale_offers(self, now=None):
        return self.filter(
            status=WaitlistStatus.OFFERED, offer_expires_at__lte=now or timezone.now()
        )


class WaitingListEntry(TimeStampedModel):
    """A person waiting for a seat at a sold-out event. First come, first offered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="waiting_list",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="waiting_list_entries",
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=WaitlistStatus.choices,
        default=WaitlistStatus.WAITING,
        db_index=True,
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer ends at"), null=True, blank=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    side = models.CharField(
        _("language side"), max_length=2, choices=Side.choices, blank=True
    )

    objects = WaitingListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(
                    status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
                ),
                name="waitlist_one_open_entry_per_user_event",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self):
        return f"{self.name or self.email} — {self.event}"

    @property
    def offer_is_open(self) -> bool:
        return bool(
            self.status == WaitlistStatus.OFFERED
            and self.offer_expires_at
            and self.offer_expires_at > timezone.now()
        )


class TableSeat(TimeStampedModel):
    """Which table a checked-in attendee sits at (tickets/tables.py suggests them;
    organizers move people between tables)."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="table_seat",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="table_seats",
    )
    table = models.PositiveIntegerField(_("table"))

    class Meta:
        verbose_name = _("table seat")
        verbose_name_plural = _("table seats")
        ordering = ["event", "table"]
        constraints = [
            models.CheckConstraint(
                condition=Q(table__gte=1), name="table_seat_table_min_1"
            ),
        ]
        indexes = [models.Index(fields=["event", "table"])]

    def __str__(self):
        return f"{self.ticket} — {self.table}"
