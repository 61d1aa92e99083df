import secrets
import uuid
import zoneinfo
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.extensions import SEATS_HELD, annotated_value
from spanglish import currency
from spanglish.db import TimeStampedModel
from spanglish.i18n import translated

PUBLIC_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i confusion


def new_public_id() -> str:
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(10))


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EventStatus.PUBLISHED)

    def visible(self):
        """What the public site lists: published and completed events."""
        return self.filter(status__in=[EventStatus.PUBLISHED, EventStatus.COMPLETED])

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")


class SeriesFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    # The same weekday position as the first date: "first Tuesday", "last Friday".
    MONTHLY = "monthly", _("Every month (same weekday of the month)")


class SeriesQuerySet(models.QuerySet):
    def public(self):
        """Series whose sessions are published: the ones visitors may see."""
        return self.filter(session_status=EventStatus.PUBLISHED)


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(zone)s” is not an IANA time zone (for example Europe/Madrid)."),
            params={"zone": value},
        ) from exc


class EventDetails(TimeStampedModel):
    """What an event and a series of events both describe: bilingual text, place,
    price and seats."""

    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=300, blank=True)
    map_url = models.URLField(_("map link"), max_length=500, blank=True)
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("0 means free."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, default=settings.DEFAULT_CURRENCY
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), default=20, validators=[MinValueValidator(1)]
    )

    class Meta:
        abstract = True

    @property
    def title(self) -> str:
        return translated(self, "title")

    @property
    def description(self) -> str:
        return translated(self, "description")

    @property
    def is_free(self) -> bool:
        return self.price == 0

    def clean(self):
        """The rules an event and a series share (title, capacity, price, currency
        and its decimal places) plus the subclass's own (`clean_own`), raised
        together. Sessions copy these fields from their series, so a series is
        refused for what its sessions would be refused for."""
        errors = {}
        if not (self.title_es or self.title_en):
            errors["title_es"] = _("Give a title in Spanish or English.")
        errors.update(self.clean_own())
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("Capacity must be at least 1.")
        if self.price is not None and self.price < 0:
            errors["price"] = _("The price cannot be negative.")
        code = (self.currency or "").upper()
        if not currency.is_currency(code):
            errors["currency"] = _("“%(code)s” is not an ISO 4217 currency code.") % {
                "code": self.currency
            }
        else:
            self.currency = code
            if self.price is not None and self.price != self.price.quantize(
                Decimal(1).scaleb(-currency.minor_units(code))
            ):
                errors["price"] = _(
                    "%(code)s has %(digits)s decimal places; the price has more."
                ) % {"code": code, "digits": currency.minor_units(code)}
        if errors:
            raise ValidationError(errors)

    def clean_own(self) -> dict:
        """Errors of the subclass's own fields, by field name."""
        return {}


class EventSeries(EventDetails):
    """A recurring event ("Intercambio, every Tuesday 19:00") that generates its
    sessions as Event rows. Dates and times are wall-clock times in `time_zone`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    public_id = models.CharField(
        _("public id"),
        max_length=16,
        unique=True,
        default=new_public_id,
        editable=False,
    )
    # Short enough that "<slug>-YYYY-MM-DD" fits a session's slug.
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("IANA name, for example Europe/Madrid. Times below are local."),
    )
    frequency = models.CharField(
        _("repeats"),
        max_length=16,
        choices=SeriesFrequency.choices,
        default=SeriesFrequency.WEEKLY,
    )
    start_date = models.DateField(
        _("first date"),
        help_text=_("Also sets the weekday (and for monthly series its position)."),
    )
    start_time = models.TimeField(_("local start time"))
    duration = models.DurationField(_("duration"), default=timedelta(hours=2))
    until = models.DateField(_("last date"), null=True, blank=True)
    count = models.PositiveIntegerField(
        _("number of sessions"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave this and the last date empty for an open-ended series."),
    )
    session_status = models.CharField(
        _("new sessions are"),
        max_length=16,
        choices=[
            (EventStatus.PUBLISHED, EventStatus.PUBLISHED.label),
            (EventStatus.DRAFT, EventStatus.DRAFT.label),
        ],
        default=EventStatus.PUBLISHED,
    )
    # ISO dates ("2026-12-08") of skipped occurrences; regeneration leaves them out.
    skipped_dates = models.JSONField(_("skipped dates"), default=list, blank=True)
    # Grows with every change of the rule a calendar should notice (RFC 5545).
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")
        ordering = ["start_date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(until__isnull=False, count__isnull=False),
                name="series_until_or_count",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="series_capacity_min_1"
            ),
            models.CheckConstraint(
                condition=models.Q(duration__gt=timedelta(0)),
                name="series_duration_positive",
            ),
        ]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("events:series-detail", kwargs={"slug": self.slug})

    def clean_own(self) -> dict:
        errors = {}
        if self.until and self.count:
            errors["count"] = _("Give a last date or a number of sessions, not both.")
        if self.until and self.start_date and self.until < self.start_date:
            errors["until"] = _("The last date cannot be before the first date.")
        if self.duration is not None and self.duration <= timedelta(0):
            errors["duration"] = _("The duration must be positive.")
        return errors

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Event(EventDetails):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    public_id = models.CharField(
        _("public id"),
        max_length=16,
        unique=True,
        default=new_public_id,
        editable=False,
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EventStatus.choices,
        default=EventStatus.DRAFT,
        db_index=True,
    )
    banner = models.ForeignKey(
        "media.Media",
        verbose_name=_("banner image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Grows with every change a calendar should notice (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    # Sessions of a series (events/services/series.py): the rule's local date this row
    # stands for, and whether it was edited on its own ("this session only").
    series = models.ForeignKey(
        EventSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    occurrence_date = models.DateField(
        _("date in the series"), null=True, blank=True, editable=False
    )
    is_detached = models.BooleanField(
        _("edited on its own"),
        default=False,
        help_text=_("Changes to all future sessions of the series leave it alone."),
    )
    # Language balance (tickets/balance.py): seats kept for native Spanish and
    # native English speakers; the rest of `capacity` is a flexible share either
    # side may use. Both 0 = no split (one pool, as before).
    seats_es_native = models.PositiveIntegerField(
        _("seats for native Spanish speakers"),
        default=0,
        help_text=_("0 and 0 here means the seats are not split by language."),
    )
    seats_en_native = models.PositiveIntegerField(
        _("seats for native English speakers"),
        default=0,
        help_text=_("Capacity minus both sides is a flexible share for either."),
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="event_capacity_min_1"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="event_price_not_negative"
            ),
            models.UniqueConstraint(
                fields=["series", "occurrence_date"],
                condition=models.Q(series__isnull=False),
                name="event_one_session_per_series_date",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    capacity__gte=models.F("seats_es_native")
                    + models.F("seats_en_native")
                ),
                name="event_language_split_within_capacity",
            ),
        ]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean_own(self) -> dict:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if (
            self.capacity is not None
            and (self.seats_es_native or 0) + (self.seats_en_native or 0)
            > self.capacity
        ):
            errors["seats_en_native"] = _(
                "The seats of both languages together cannot exceed the capacity."
            )
        return errors

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_language_split(self) -> bool:
        return bool(self.seats_es_native or self.seats_en_native)

    @property
    def seats_flexible(self) -> int:
        """Seats either language side may use (only meaningful when split)."""
        return max(self.capacity - self.seats_es_native - self.seats_en_native, 0)

    @property
    def seats_left(self) -> int:
        """Capacity minus the seats held, an annotation apps above register
        (events/extensions.py): read from the queryset when it has it, one query
        when not, and 0 held when nothing is registered."""
        return max(self.capacity - annotated_value(self, SEATS_HELD), 0)

    @property
    def is_sold_out(self) -> bool:
        return self.seats_left <= 0

    @property
    def is_bookable(self) -> bool:
        return self.status == EventStatus.PUBLISHED and not self.is_past


class EventImage(models.Model):
    """An uploaded image that belongs to an event: its banner as uploaded, or a photo
    of its gallery (`media.role` says which). The link points down, events → media;
    an image belongs to one event at most. Deleting the event keeps the image."""

    media = models.OneToOneField(
        "media.Media",
        verbose_name=_("image"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="event_image",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="images",
    )

    class Meta:
        verbose_name = _("event image")
        verbose_name_plural = _("event images")

    def __str__(self):
        return f"{self.event} · {self.media}"
