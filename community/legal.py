"""What the privacy policy and the terms say about this deployment, read from the
settings that enforce it: a retention period, a refund cut-off or a payment provider
is configured once and the pages state it as configured, never typed a second time.

Community sits below payments and emails, so it reads their settings, not their code.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Change this date whenever the wording of the policy or the terms changes.
LEGAL_UPDATED = date(2026, 5, 1)

# The email services the site can send through (EMAIL_BACKEND), by backend module.
EMAIL_PROVIDERS = {
    "anymail.backends.resend": ("Resend", "https://resend.com/legal/privacy-policy"),
    "anymail.backends.postmark": ("Postmark", "https://postmarkapp.com/privacy-policy"),
    "anymail.backends.mailgun": (
        "Mailgun",
        "https://www.mailgun.com/legal/privacy-policy/",
    ),
}


@dataclass(frozen=True)
class Operator:
    name: str
    address: str
    contact_email: str
    privacy_email: str


@dataclass(frozen=True)
class Processor:
    name: str
    purpose: str
    policy_url: str = ""


@dataclass(frozen=True)
class Retention:
    what: str
    period: str


def days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def hours(n: int) -> str:
    return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}


def minutes(n: int) -> str:
    return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}


def operator() -> Operator:
    return Operator(
        name=settings.SITE_OPERATOR_NAME,
        address=settings.SITE_OPERATOR_ADDRESS,
        contact_email=settings.SITE_CONTACT_EMAIL,
        privacy_email=settings.PRIVACY_CONTACT_EMAIL,
    )


def payment_processors() -> list[Processor]:
    """The online payment services that have keys, so are offered at checkout."""
    found = []
    if settings.STRIPE_SECRET_KEY:
        found.append(
            Processor(
                "Stripe",
                _("card payments and refunds"),
                "https://stripe.com/privacy",
            )
        )
    if settings.MERCADOPAGO_ACCESS_TOKEN:
        found.append(
            Processor(
                "Mercado Pago",
                _("payments and refunds through Mercado Pago"),
                "https://www.mercadopago.com/privacidad",
            )
        )
    return found


def email_processor() -> Processor | None:
    """The service that delivers our emails, when it is a third party (an own SMTP
    server or the development console is not)."""
    backend = settings.MAILERS["default"]["BACKEND"]
    for module, (name, url) in EMAIL_PROVIDERS.items():
        if backend.startswith(module):
            return Processor(name, _("delivering the emails we send you"), url)
    return None


def processors() -> list[Processor]:
    found = payment_processors()
    if (mail := email_processor()) is not None:
        found.append(mail)
    if settings.SENTRY_DSN:
        found.append(
            Processor(
                "Sentry",
                _("error reports, with passwords, card numbers and links removed"),
                "https://sentry.io/privacy/",
            )
        )
    if settings.PLAUSIBLE_DOMAIN:
        found.append(
            Processor(
                "Plausible Analytics",
                _("counting visits to public pages, without cookies"),
                "https://plausible.io/privacy",
            )
        )
    return found


def backup_days() -> int:
    """The oldest backup kept: the last N daily ones or M weekly ones, whichever
    reaches further back (operations/backup/retention.py)."""
    return max(settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY * 7)


def retention_periods() -> list[Retention]:
    """How long each kind of data is kept, from the settings the purge jobs use."""
    periods = [
        Retention(
            _("Your account and your bookings, if you signed up with a password"),
            _("until you delete your account"),
        ),
    ]
    if settings.GUEST_DATA_RETENTION_DAYS:
        periods.append(
            Retention(
                _(
                    "Your name, email and bookings, if you booked without setting "
                    "a password"
                ),
                _("%(period)s after your last event or booking, then erased")
                % {"period": days(settings.GUEST_DATA_RETENTION_DAYS)},
            )
        )
    else:
        periods.append(
            Retention(
                _(
                    "Your name, email and bookings, if you booked without setting "
                    "a password"
                ),
                _("until you ask us to delete them"),
            )
        )
    periods += [
        Retention(
            _("Payment records (amount, date, provider reference)"),
            _(
                "kept for our accounts, as the law requires; without your name once "
                "your data is erased"
            ),
        ),
        Retention(
            _("Copies of the emails we sent you"),
            _("%(period)s, then deleted")
            % {"period": days(settings.EMAIL_LOG_RETENTION_DAYS)}
            if settings.EMAIL_LOG_RETENTION_DAYS
            else _("until your data is erased"),
        ),
        Retention(
            _("IP addresses in our security log and sign-in records"),
            _("%(period)s, then erased")
            % {"period": days(settings.AUDIT_IP_RETENTION_DAYS)},
        ),
        Retention(
            _("Your sign-in session"),
            _("%(period)s at most, or until you sign out")
            % {"period": days(settings.SESSION_COOKIE_AGE // 86400)},
        ),
        Retention(
            _("Calendar-button and widget counts"),
            _("kept as counts; they hold nothing that identifies you"),
        ),
        Retention(
            _("Backups of all of the above"),
            _("%(period)s at most, then deleted") % {"period": days(backup_days())},
        ),
    ]
    return periods


def terms_facts() -> dict:
    """The booking rules the terms state, as the services enforce them."""
    return {
        "hold": minutes(settings.TICKET_HOLD_MINUTES),
        "offer": hours(settings.WAITLIST_OFFER_HOURS),
        "refund_cutoff": hours(settings.REFUND_CUTOFF_HOURS),
        "no_show_limit": settings.NO_SHOW_LIMIT,
        "no_show_window": days(settings.NO_SHOW_WINDOW_DAYS)
        if settings.NO_SHOW_WINDOW_DAYS
        else "",
        "online_providers": [p.name for p in payment_processors()],
    }
