import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calendars.validators import validate_color, validate_label


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class ClickType(models.TextChoices):
    GOOGLE = "google", _("Google Calendar")
    OUTLOOK = "outlook", _("Outlook")
    ICS = "ics", _(".ics file")
    TICKET = "ticket", _("Get a ticket")


class Click(models.Model):
    """One press of an add-to-calendar or ticket button. No IP, no user agent."""

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="calendar_clicks",
    )
    type = models.CharField(_("type"), max_length=8, choices=ClickType.choices)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    # Hash of (daily random salt, IP, user agent); the salt lives only in the cache
    # for a day, so yesterday's hashes cannot be linked back to anybody.
    visitor = models.CharField(_("daily visitor hash"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("click")
        verbose_name_plural = _("clicks")
        indexes = [models.Index(fields=["event", "created_at"])]

    def __str__(self):
        return f"{self.type} {self.created_at:%Y-%m-%d %H:%M}"


class CalendarFeedToken(models.Model):
    """The secret in a member's private feed URL; rotating it revokes the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed_token",
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_feed_token
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("rotated at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return str(self.user)


class WidgetLanguage(models.TextChoices):
    VISITOR = "", _("Visitor's language")
    ES = "es", _("Spanish")
    EN = "en", _("English")


class WidgetAppearance(models.Model):
    """Fields shared by the site-wide defaults and the per-event overrides."""

    background_color = models.CharField(
        _("background colour"), max_length=7, blank=True, validators=[validate_color]
    )
    text_color = models.CharField(
        _("text colour"), max_length=7, blank=True, validators=[validate_color]
    )
    accent_color = models.CharField(
        _("button colour"), max_length=7, blank=True, validators=[validate_color]
    )
    accent_text_color = models.CharField(
        _("button text colour"), max_length=7, blank=True, validators=[validate_color]
    )
    label_google = models.CharField(
        _("Google button label"), max_length=40, blank=True, validators=[validate_label]
    )
    label_outlook = models.CharField(
        _("Outlook button label"),
        max_length=40,
        blank=True,
        validators=[validate_label],
    )
    label_ics = models.CharField(
        _(".ics button label"), max_length=40, blank=True, validators=[validate_label]
    )
    label_ticket = models.CharField(
        _("ticket button label"), max_length=40, blank=True, validators=[validate_label]
    )
    language = models.CharField(
        _("language"), max_length=2, blank=True, choices=WidgetLanguage.choices
    )

    class Meta:
        abstract = True


class WidgetSettings(WidgetAppearance):
    """Site-wide widget defaults: a single row (pk=1)."""

    show_google = models.BooleanField(_("show Google button"), default=True)
    show_outlook = models.BooleanField(_("show Outlook button"), default=True)
    show_ics = models.BooleanField(_("show .ics button"), default=True)
    show_ticket = models.BooleanField(_("show ticket button"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("widget defaults")
        verbose_name_plural = _("widget defaults")

    def __str__(self):
        return str(_("Widget defaults"))


class EventWidgetSettings(WidgetAppearance):
    """Per-event overrides; blank fields and null switches inherit the defaults."""

    event = models.OneToOneField(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="widget_settings",
    )
    show_google = models.BooleanField(_("show Google button"), null=True, blank=True)
    show_outlook = models.BooleanField(_("show Outlook button"), null=True, blank=True)
    show_ics = models.BooleanField(_("show .ics button"), null=True, blank=True)
    show_ticket = models.BooleanField(_("show ticket button"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event widget settings")
        verbose_name_plural = _("event widget settings")

    def __str__(self):
        return str(self.event)
