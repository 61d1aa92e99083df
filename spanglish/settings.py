"""Spanglish settings: one module, configured by environment variables only.

Every variable is documented in `.env.example`. OS variables win over a `.env` file.
Development, staging and production differ only by what the environment says.
"""

from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from spanglish.version import __version__

BASE_DIR = Path(__file__).resolve().parent.parent
# The release, read from pyproject.toml: the OpenAPI document and backup manifests
# carry the same number (spanglish/version.py).
APP_VERSION = __version__
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    # overwrite=False: variables already in the OS environment win.
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-spanglish-development-only-key-do-not-use"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG=false) refuses to start without "
            'a real secret key: generate one with `python -c "import secrets; '
            'print(secrets.token_urlsafe(50))"` and put it in the environment.'
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 40 random characters."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# A staging copy: search engines are told to stay away (X-Robots-Tag and robots.txt).
SITE_NOINDEX = env.bool("SITE_NOINDEX", default=False)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
# How many reverse proxies in front of us append to X-Forwarded-For. 0 means the
# header is ignored and the socket address is the client: nobody can spoof it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

INSTALLED_APPS = [
    # Django Admin with its site class from community/admin_site.py (two-factor check).
    "spanglish.apps.SpanglishAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    # `manage.py crontask`: the one scheduler of every periodic job (spanglish/jobs.py).
    "crontask",
    "anymail",
    "axes",
    # Two-factor sign-in for staff: authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "community",
    "events",
    "tickets",
    "payments",
    "passes",
    "media",
    "calendars",
    "operations",
    "emails",
    "door",
    # The organizers' dashboard (the admin's index) and reports: the top layer.
    "backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # SITE_NOINDEX (staging): X-Robots-Tag on every response.
    "spanglish.staging.NoIndexMiddleware",
    "spanglish.middleware.RequestIDMiddleware",
    # RateLimit / RateLimit-Policy / X-RateLimit-* on answers a rate limit counted.
    "spanglish.api.throttling.RateLimitHeadersMiddleware",
    # Access log + request metrics; primary pinning when a replica is configured.
    "operations.middleware.AccessLogMiddleware",
    "operations.middleware.ReplicaPinMiddleware",
    # Database down: a 503 page or error JSON, never a 500 (spanglish/unavailable.py).
    "spanglish.unavailable.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(); then staff owing a code or a set-up are held back.
    "django_otp.middleware.OTPMiddleware",
    "community.two_factor_middleware.TwoFactorMiddleware",
    "community.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Inside the CSP middleware: widens the policy of pages that load analytics.
    "spanglish.analytics.AnalyticsCSPMiddleware",
    # Last, as django-axes asks: it turns lockouts into a clear response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spanglish.urls"
WSGI_APPLICATION = "spanglish.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spanglish.context_processors.site",
                "spanglish.analytics.analytics",
            ],
            # The core package is no installed app: its tag libraries are named here.
            "libraries": {"money": "spanglish.templatetags.money"},
        },
    },
]

# --- Database -------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'spanglish.sqlite3'}"
    ),
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.postgresql":
    from spanglish.dbpool import check_connection

    # Degrade, don't hang: with the database down a request waits at most
    # DATABASE_POOL_TIMEOUT for a connection, then answers 503 (spanglish/unavailable.py)
    # instead of holding a worker until the client gives up. A healthy pool hands
    # out a connection in microseconds (it holds more than a worker has threads), so
    # the wait only ever runs out when the database is away; kept short because
    # requests queued behind a waiting thread wait for it too.
    _db_wait = env.float("DATABASE_POOL_TIMEOUT", default=1.0)
    _db.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=2)
    )
    # psycopg 3's pool keeps connections open across requests.
    _db["OPTIONS"]["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=1),
        "max_size": env.int("DATABASE_POOL_MAX", default=10),
        "timeout": _db_wait,
        # A connection left over from before a database restart is tested (and
        # replaced, with every idle one) when it is handed out, not discovered
        # broken by a query (spanglish/dbpool.py).
        "check": check_connection,
        # psycopg_pool retries a failed connect with backoff (1, 2, 4… s) for 5 min by
        # default, so the first request after the database returns could wait for the
        # next retry. Giving up after a couple of seconds lets the next request try at
        # once.
        "reconnect_timeout": env.float("DATABASE_POOL_RECONNECT_TIMEOUT", default=2.0),
    }
    _db["CONN_MAX_AGE"] = 0  # the pool and persistent connections exclude each other
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer lock instead of failing at once; IMMEDIATE makes a write
    # transaction take the lock at BEGIN, so two bookings serialise cleanly.
    _db.setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests get a file too, not Django's in-memory default: the browser tests' live
    # server answers from several threads, and with an in-memory database they all
    # share the test's one connection, which SQLite refuses to have used from two
    # threads at once ("bad parameter or other API misuse"). A file gives each
    # thread its own connection, as in production.
    _db.setdefault("TEST", {}).setdefault(
        "NAME", str(VAR_DIR / "test-spanglish.sqlite3")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://spanglish")}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Event cards and public API answers are shared between visitors for at most this
# long (events/caching.py); saving an event or ticket refreshes them at once. 0 = off.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=5)

# --- Auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "community.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}", "OPTIONS": options}
    for name, options in (
        ("UserAttributeSimilarityValidator", {}),
        # ASVS 5.0 L2 asks for at least 12 characters.
        ("MinimumLengthValidator", {"min_length": 12}),
        ("CommonPasswordValidator", {}),
        ("NumericPasswordValidator", {}),
    )
]
LOGIN_URL = "community:login"
# door:landing sends door staff to today's event at the door, everyone else home.
LOGIN_REDIRECT_URL = "door:landing"
LOGOUT_REDIRECT_URL = "events:home"
# Sign-up, password-reset and sign-in-link requests allowed per client IP per hour.
ACCOUNT_RATE_LIMIT_PER_HOUR = env.int("ACCOUNT_RATE_LIMIT_PER_HOUR", default=10)
# Minutes a volunteer may undo their own mis-tapped check-in (and its cash).
DOOR_UNDO_MINUTES = env.int("DOOR_UNDO_MINUTES", default=5)
SIGN_IN_LINK_MINUTES = env.int("SIGN_IN_LINK_MINUTES", default=15)
# Members without a password change their address or password, or delete their
# account, only within this many minutes of signing in by emailed link (members
# with a password type it instead).
FRESH_SIGN_IN_MINUTES = env.int("FRESH_SIGN_IN_MINUTES", default=10)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # reset links die after three hours
# IP addresses in the audit trail and the sign-in logs are erased after this many days.
AUDIT_IP_RETENTION_DAYS = env.int("AUDIT_IP_RETENTION_DAYS", default=90)
# Guests who booked without ever setting a password are erased (as "delete my
# account" does) this many days after their last event or booking; 0 keeps them.
GUEST_DATA_RETENTION_DAYS = env.int("GUEST_DATA_RETENTION_DAYS", default=730)

# django-axes: lock an account+IP pair after repeated failures, on site, admin and API.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
# Per IP and per account: an account hammered from many IPs locks too (its owner can
# still get in with a sign-in link by email).
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_USERNAME_FORM_FIELD = "email"
# Site and admin forms post `username`, the API posts `email`: one lower-cased key.
AXES_USERNAME_CALLABLE = "community.lockout.axes_username"
AXES_CLIENT_IP_CALLABLE = "spanglish.net.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "community.lockout.lockout_response"
AXES_VERBOSE = False

# Two-factor sign-in (django-otp). Staff with an authenticator app always give a code
# after the password (site, admin, API, sign-in links); these roles must set one up
# before they can do anything else. Members are never asked.
TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=["admin"])
OTP_TOTP_ISSUER = "Spanglish"
# After each wrong code the next try waits 1, 2, 4, 8… seconds (per device).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="es")
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# "Sat 12 Dec 2026, 18:00" / "sáb 12 dic 2026, 18:00" in pages and emails.
FORMAT_MODULE_PATH = ["spanglish.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Madrid")
USE_I18N = True
USE_TZ = True
DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="EUR").upper()

# --- Static files and uploads -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/uploads/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "uploads")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    # S3-compatible media by configuration alone (django-storages reads AWS_* vars).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Images above this many pixels are refused from their header, before decoding
# (Pillow's own default only warns at ~89 MP). Widths of the resized variants.
MEDIA_MAX_PIXELS = env.int("MEDIA_MAX_PIXELS", default=40_000_000)
MEDIA_VARIANT_WIDTHS = [
    int(w) for w in env.list("MEDIA_VARIANT_WIDTHS", default=["400", "800", "1600"])
]

# --- Email and background tasks ----------------------------------------------------
# Django 6.1 configures mail through MAILERS; EMAIL_BACKEND is the variable's name.
MAILERS = {
    "default": {
        "BACKEND": env.str(
            "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith(".smtp.EmailBackend"):
    # Plain SMTP as a fallback to Anymail; Django 6.1 wants its options here.
    MAILERS["default"]["OPTIONS"] = {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=587),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("EMAIL_USE_TLS", default=True),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Spanglish <hola@spanglish.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Only the keys that are set: an empty MAILGUN_SENDER_DOMAIN would override Anymail's
# default (the From domain), and a missing key should fail loudly, not send "".
ANYMAIL = {
    name: value
    for name, value in {
        "RESEND_API_KEY": env.str("RESEND_API_KEY", default=""),
        "POSTMARK_SERVER_TOKEN": env.str("POSTMARK_SERVER_TOKEN", default=""),
        "MAILGUN_API_KEY": env.str("MAILGUN_API_KEY", default=""),
        "MAILGUN_SENDER_DOMAIN": env.str("MAILGUN_SENDER_DOMAIN", default=""),
        "MAILGUN_API_URL": env.str("MAILGUN_API_URL", default=""),
    }.items()
    if value
}
# Delivery attempts before an email is marked failed (backoff 1, 2, 4… minutes), and
# how many hours before an event `manage.py send_reminders` reminds ticket holders.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=5)
# Seconds a worker's claim on an email it is sending holds. Past it the worker is
# taken for dead and the email is sent by another: keep it well above the mailer's
# timeout (the system check emails.E001 says so). Default: 600
EMAIL_SEND_LEASE_SECONDS = env.int("EMAIL_SEND_LEASE_SECONDS", default=600)
# "Send a test to me" from a bulk email: tests per organizer per window. Defaults:
# 10 every 3600 seconds.
BULK_EMAIL_TEST_LIMIT = env.int("BULK_EMAIL_TEST_LIMIT", default=10)
BULK_EMAIL_TEST_WINDOW_SECONDS = env.int("BULK_EMAIL_TEST_WINDOW_SECONDS", default=3600)
EMAIL_REMINDER_HOURS = env.int("EMAIL_REMINDER_HOURS", default=24)
# Copies of sent emails (the email log, with their bodies) are deleted after this
# many days; 0 keeps them until the member's data is erased.
EMAIL_LOG_RETENTION_DAYS = env.int("EMAIL_LOG_RETENTION_DAYS", default=365)
# In development tasks run in the web process; production sets TASKS_BACKEND=database
# and runs `manage.py db_worker`.
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[env.str("TASKS_BACKEND", default="immediate")],
    }
}
# The scheduler (`manage.py crontask`) enqueues each periodic job on its schedule; the
# worker runs it. Its Redis lock lets only one scheduler fire, however many are started
# (a second one waits as a standby): SCHEDULER_REDIS_URL, by default the Redis cache.
# Without Redis there is no lock, so run exactly one scheduler.
_CACHE_URL = env.str("CACHE_URL", default="")
CRONTASK = {
    "REDIS_URL": env.str(
        "SCHEDULER_REDIS_URL",
        default=_CACHE_URL if _CACHE_URL.startswith(("redis://", "rediss://")) else "",
    )
    or None,
}
# Tests and drills only: run the named jobs every N seconds instead of their cron
# schedule, e.g. "tickets.tasks.expire_holds=2". Default: empty.
SCHEDULE_EVERY_SECONDS = {
    name: int(seconds)
    for name, seconds in env.dict("SCHEDULE_EVERY_SECONDS", default={}).items()
}
# /readyz warns about a job with no successful run within this many of its intervals
# (the longest gap of its schedule, plus a minute for the queue). Default: 2
SCHEDULER_OVERDUE_INTERVALS = env.float("SCHEDULER_OVERDUE_INTERVALS", default=2.0)

# --- Bookings and payments -----------------------------------------------------------
TICKET_HOLD_MINUTES = env.int("TICKET_HOLD_MINUTES", default=15)
WAITLIST_OFFER_HOURS = env.int("WAITLIST_OFFER_HOURS", default=24)
# Days the signed links in ticket emails (the ticket page, "Can't come") stay valid.
TICKET_LINK_DAYS = env.int("TICKET_LINK_DAYS", default=120)
# "Can't come": online-paid tickets given back more than this many hours before the
# start are refunded in full; later, the seat is released without a refund.
REFUND_CUTOFF_HOURS = env.int("REFUND_CUTOFF_HOURS", default=24)
# No-shows (confirmed, never checked in, event over) within NO_SHOW_WINDOW_DAYS
# (0 = ever): from NO_SHOW_LIMIT on (0 = rule off) a member must pay ahead.
NO_SHOW_LIMIT = env.int("NO_SHOW_LIMIT", default=3)
NO_SHOW_WINDOW_DAYS = env.int("NO_SHOW_WINDOW_DAYS", default=180)
# Anonymous bookings (site form and POST /api/tickets; signed-in members are never
# limited): at most BOOKING_RATE_LIMIT_PER_IP per client IP every
# BOOKING_RATE_LIMIT_WINDOW_SECONDS, sized for guests sharing one venue Wi-Fi address,
# and BOOKING_RATE_LIMIT_PER_EMAIL per email address per event per day.
BOOKING_RATE_LIMIT_PER_IP = env.int("BOOKING_RATE_LIMIT_PER_IP", default=10)
BOOKING_RATE_LIMIT_WINDOW_SECONDS = env.int(
    "BOOKING_RATE_LIMIT_WINDOW_SECONDS", default=600
)
BOOKING_RATE_LIMIT_PER_EMAIL = env.int("BOOKING_RATE_LIMIT_PER_EMAIL", default=3)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
MERCADOPAGO_ACCESS_TOKEN = env.str("MERCADOPAGO_ACCESS_TOKEN", default="")
MERCADOPAGO_WEBHOOK_SECRET = env.str("MERCADOPAGO_WEBHOOK_SECRET", default="")
MERCADOPAGO_API_BASE = env.str("MERCADOPAGO_API_BASE", default="")
# A MercadoPago notification whose signed `ts` is older than this is refused (a
# captured notification cannot be replayed later); Stripe's library uses 300 too.
MERCADOPAGO_WEBHOOK_TOLERANCE_SECONDS = env.int(
    "MERCADOPAGO_WEBHOOK_TOLERANCE_SECONDS", default=300
)

# --- Calendars and widget ---------------------------------------------------------
# Click tracking: requests per client IP ("60/minute"); daily salted visitor hash.
CALENDAR_TRACK_RATE = env.str("CALENDAR_TRACK_RATE", default="60/minute")
CALENDAR_TRACK_UNIQUE = env.bool("CALENDAR_TRACK_UNIQUE", default=True)

# --- Legal pages and analytics ------------------------------------------------------
# Who runs the site, as the privacy policy and the terms name them (the data
# controller): a name, an optional postal address, and the addresses for questions
# and for privacy requests (default: the address DEFAULT_FROM_EMAIL sends from).
SITE_OPERATOR_NAME = env.str("SITE_OPERATOR_NAME", default="Spanglish")
SITE_OPERATOR_ADDRESS = env.str("SITE_OPERATOR_ADDRESS", default="")
SITE_CONTACT_EMAIL = env.str(
    "SITE_CONTACT_EMAIL", default=parseaddr(DEFAULT_FROM_EMAIL)[1]
)
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default=SITE_CONTACT_EMAIL)
# Privacy-friendly visit counts (Plausible: no cookies, no personal data), off unless
# PLAUSIBLE_DOMAIN is set. Public pages only (spanglish/analytics.py); the script's
# origin joins script-src and connect-src on those pages alone.
PLAUSIBLE_DOMAIN = env.str("PLAUSIBLE_DOMAIN", default="")
PLAUSIBLE_SCRIPT_URL = env.str(
    "PLAUSIBLE_SCRIPT_URL", default="https://plausible.io/js/script.js"
)
if PLAUSIBLE_DOMAIN and not PLAUSIBLE_SCRIPT_URL.startswith(("https://", "/")):
    raise ImproperlyConfigured(
        "PLAUSIBLE_SCRIPT_URL must be an https:// URL or a path on this site."
    )

# --- API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # JWT first so anonymous requests get 401 with a WWW-Authenticate header.
        # simplejwt's, refusing tokens from before a password/email/role change.
        "community.api.authentication.EpochJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "spanglish.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "spanglish.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "spanglish.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # A JSON API: form encodings turn every value into a string that DRF then coerces
    # ("0" is false), which the schema cannot state. Uploads opt in to multipart.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # The ceiling of the whole API (spanglish/api/throttling.py): per user when signed
    # in, per client IP when anonymous; views with scoped limits list it too.
    "DEFAULT_THROTTLE_CLASSES": ["spanglish.api.throttling.APIRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api": env.str("THROTTLE_API", default="600/minute"),
        "user_write": env.str("THROTTLE_USER_WRITE", default="120/hour"),
        "auth": env.str("THROTTLE_AUTH", default="20/minute"),
    },
    # DRF's own client-IP logic honours the same trusted proxy count.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The format is chosen by the path (attendees.csv / .xlsx) or Accept, never by a
    # `?format=` query parameter that would widen every operation's contract.
    "URL_FORMAT_OVERRIDE": None,
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(
        minutes=env.int("JWT_ACCESS_MINUTES", default=10)
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUDIENCE": "spanglish-api",
    "ISSUER": SITE_URL,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "TOKEN_OBTAIN_SERIALIZER": "community.api.serializers.LoginSerializer",
    "TOKEN_REFRESH_SERIALIZER": "community.api.serializers.RefreshSerializer",
}
# Rotation renews a refresh token for JWT_REFRESH_DAYS each time, but never past
# this many days after the password sign-in it descends from.
JWT_REFRESH_ABSOLUTE_DAYS = env.int("JWT_REFRESH_ABSOLUTE_DAYS", default=30)
# How long the first answer to a request with an Idempotency-Key is replayed to a
# retry with the same key (community/api/idempotency.py); a periodic job purges after.
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)
SPECTACULAR_SETTINGS = {
    "TITLE": "Spanglish API",
    "DESCRIPTION": (
        "JSON API of the Spanglish language-exchange community. Authenticate with "
        "`POST /api/auth/login` and send `Authorization: Bearer <access>`. Every error "
        'has the shape `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": APP_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # The schema's prose is English whatever the request's language.
    "DEFAULT_GENERATOR_CLASS": "spanglish.api.schema.SchemaGenerator",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api",
    # Fields with the same name but different choices get distinct enum names.
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "community.models.Role",
        "MediaRoleEnum": "media.models.MediaRole",
        "TicketStatusEnum": "tickets.models.TicketStatus",
        "EventStatusEnum": "events.models.EventStatus",
        "ProviderEnum": "payments.models.Provider",
        "OnlineProviderEnum": "payments.models.ONLINE_PROVIDER_CHOICES",
        "PaymentMethodEnum": "tickets.models.PaymentMethod",
        "BookingPaymentMethodEnum": "tickets.api.serializers.BOOKING_PAYMENT_METHODS",
        "CheckinPaymentEnum": "tickets.api.serializers.CHECKIN_PAYMENT_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "spanglish.api.schema.add_request_rules",
        "spanglish.api.schema.add_error_responses",
    ],
}

# --- Security ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:", *env.list("CSP_IMG_EXTRA", default=[])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # A form POST that redirects to a provider's hosted checkout needs its host here.
    "form-action": [
        CSP.SELF,
        "https://checkout.stripe.com",
        *(
            f"https://*.mercadopago.{tld}"
            for tld in ("com", "com.ar", "com.br", "com.mx", "com.co", "cl", "com.pe")
        ),
        *env.list("CSP_FORM_ACTION_EXTRA", default=[]),
    ],
}
if not DEBUG:
    # Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# --- Operations: backups, metrics, replica, error reporting -------------------------------
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")
BACKUP_AGE_RECIPIENT = env.str("BACKUP_AGE_RECIPIENT", default="")
BACKUP_AGE_IDENTITY = env.str("BACKUP_AGE_IDENTITY", default="")
BACKUP_AGE_IDENTITY_FILE = env.str("BACKUP_AGE_IDENTITY_FILE", default="")
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", default=4)
BACKUP_S3_BUCKET = env.str("BACKUP_S3_BUCKET", default="")
BACKUP_S3_PREFIX = env.str("BACKUP_S3_PREFIX", default="backups")
BACKUP_S3_ENDPOINT_URL = env.str("BACKUP_S3_ENDPOINT_URL", default="")
BACKUP_S3_REGION_NAME = env.str("BACKUP_S3_REGION_NAME", default="")
BACKUP_PG_DUMP = env.str("BACKUP_PG_DUMP", default="pg_dump")
BACKUP_PG_RESTORE = env.str("BACKUP_PG_RESTORE", default="pg_restore")
BACKUP_MAX_AGE_HOURS = env.int("BACKUP_MAX_AGE_HOURS", default=26)
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=180)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["spanglish.routers.PrimaryReplicaRouter"]
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    from spanglish.logging import sentry_before_breadcrumb, sentry_before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        # Both hooks use the logs' redaction: no password, card or credential link
        # (sign-in, reset, verification tokens in URLs) reaches Sentry.
        before_send=sentry_before_send,
        before_breadcrumb=sentry_before_breadcrumb,
    )

# --- Logging -------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "spanglish.middleware.RequestIDLogFilter"},
        # Passwords, tokens, card numbers, cookies never reach a log line.
        "redact": {"()": "spanglish.logging.RedactingFilter"},
    },
    # Timestamps in UTC, ISO 8601 with offset (spanglish/log_formatters.py).
    "formatters": {
        "text": {
            "()": "spanglish.log_formatters.UTCFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        },
        "json": {
            "()": "spanglish.log_formatters.UTCJsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "INFO"},
        # One line per request (method, path, status, duration_ms, user_id).
        "spanglish.access": {"level": env.str("ACCESS_LOG_LEVEL", default="INFO")},
    },
}
