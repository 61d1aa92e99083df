import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from community.roles import Role, apply_role_flags
from spanglish.db import TimeStampedModel


class UserQuerySet(models.QuerySet):
    def news_recipients(self):
        """Members who may get news: active, consented, and with a verified address
        (double opt-in: consent from an unverified address could be someone else's)."""
        return self.filter(
            is_active=True,
            marketing_consent=True,
            email_verified_at__isnull=False,
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        apply_role_flags(user)  # later changes go through services.user_set_role
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("role", Role.MEMBER)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["role"] = Role.ADMIN
        # Whoever runs createsuperuser chose the address: proven by construction.
        extra.setdefault("email_verified_at", timezone.now())
        # `createsuperuser --noinput` passes no name; the address's local part will do.
        if not extra.get("name") and email:
            extra["name"] = email.split("@", 1)[0]
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin, TimeStampedModel):
    """A person: member, volunteer, organizer or admin. Email is the login."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.MEMBER
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Derived from role by community.roles.apply_role_flags; kept as columns because
    # Django Admin and PermissionsMixin read them.
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    email_verified_at = models.DateTimeField(
        _("email verified at"), null=True, blank=True
    )
    # Consent to news by email, with the time it was last given or withdrawn;
    # the full history is in the audit trail (user.consent_given / _withdrawn).
    marketing_consent = models.BooleanField(_("news by email"), default=False)
    marketing_consent_at = models.DateTimeField(
        _("news consent changed at"), null=True, blank=True
    )
    anonymised_at = models.DateTimeField(_("account deleted at"), null=True, blank=True)
    # Bumped by community.sessions.user_revoke_sessions: sessions (through
    # get_session_auth_hash) and API tokens (an "auth_epoch" claim) carry it, so
    # every one of them dies when it changes.
    auth_epoch = models.PositiveIntegerField(_("sign-in generation"), default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # createsuperuser: the name defaults (create_superuser)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.name or self.email

    def save(self, *args, **kwargs):
        # Normalised fields only; the flags a role implies are set where users are
        # created (UserManager) and where roles change (services.user_set_role).
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_organizer(self) -> bool:
        return self.role in (Role.ADMIN, Role.ORGANIZER)

    @property
    def is_door_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.ORGANIZER, Role.VOLUNTEER)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def _get_session_auth_hash(self, secret=None):
        # Django hashes only the password; the epoch makes "sign out everywhere"
        # possible without touching it (a role or email change keeps the password).
        return salted_hmac(
            "community.User.get_session_auth_hash",
            f"{self.password}|{self.auth_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_short_name(self):
        return (self.name or self.email).split(" ")[0]

    def get_full_name(self):
        return self.name


class AuditLog(models.Model):
    """An append-only record of a sensitive action. Never edited or deleted by the site."""

    id = models.BigAutoField(primary_key=True)
    timestamp = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(
        _("target id"), max_length=64, blank=True, db_index=True
    )
    target_label = models.CharField(_("target"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=128, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.action} {self.target_label}"


class LanguageKind(models.TextChoices):
    NATIVE = "native", _("Native")
    LEARNING = "learning", _("Learning")


class LanguageLevel(models.TextChoices):
    """CEFR levels, lowest first (the order tables.py spreads them by)."""

    A1 = "A1", _("A1 — beginner")
    A2 = "A2", _("A2 — elementary")
    B1 = "B1", _("B1 — intermediate")
    B2 = "B2", _("B2 — upper intermediate")
    C1 = "C1", _("C1 — advanced")
    C2 = "C2", _("C2 — proficient")


class LanguageSkill(models.Model):
    """A language a member speaks natively or is learning (with a CEFR level).

    `language` is an ISO 639-1 code: "es" and "en" decide the side of a
    language-split event; any other code is kept for the tables and the profile.
    """

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="language_skills",
    )
    language = models.CharField(_("language"), max_length=3)
    kind = models.CharField(_("kind"), max_length=8, choices=LanguageKind.choices)
    level = models.CharField(
        _("level"), max_length=2, choices=LanguageLevel.choices, blank=True
    )

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "language"], name="language_skill_one_per_language"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="native", level="") | models.Q(kind="learning"),
                name="language_skill_native_has_no_level",
            ),
        ]

    def __str__(self):
        return f"{self.language} ({self.get_kind_display()})"


class IdempotencyKey(models.Model):
    """The first answer to an API request sent with an `Idempotency-Key`, replayed
    to a retry with the same key and body (community/api/idempotency.py).

    One row per caller and key, under a unique constraint: of two copies of a
    request arriving together, only the one whose row goes in runs. `status_code`
    is empty while it runs. Rows live IDEMPOTENCY_KEY_HOURS and are then purged
    (community.tasks.purge_idempotency_keys). `caller` is a keyed hash of the user,
    or of the browser session or IP of an anonymous caller, never the value."""

    id = models.BigAutoField(primary_key=True)
    caller = models.CharField(_("caller (hashed)"), max_length=64)
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(
        _("request fingerprint"),
        max_length=64,
        help_text=_("SHA-256 of the method, path and body of the first request."),
    )
    status_code = models.PositiveSmallIntegerField(
        _("answer status"), null=True, blank=True
    )
    body = models.TextField(_("answer body"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["caller", "key"], name="idempotency_key_once_per_caller"
            ),
        ]

    def __str__(self):
        return self.key
