"""System checks of the email settings (`manage.py check`, and at every start)."""

from django.conf import settings
from django.core.checks import Error, register

# What Anymail's API backends wait for at most: (connect, read) seconds.
ANYMAIL_DEFAULT_TIMEOUT = (3.05, 30)
MIN_LEASE_SECONDS = 60


def _mailer_timeout() -> float:
    """The longest a send may block before the mailer gives up, in seconds."""
    options = settings.MAILERS.get("default", {}).get("OPTIONS", {})
    smtp = options.get("timeout") or 0
    api = getattr(settings, "ANYMAIL", {}).get(
        "REQUESTS_TIMEOUT", ANYMAIL_DEFAULT_TIMEOUT
    )
    api = sum(api) if isinstance(api, list | tuple) else (api or 0)
    return max(float(smtp), float(api))


@register()
def lease_outlasts_the_mailer(app_configs, **kwargs):
    """A claim that ran out is taken for a dead worker and the email is sent again,
    so the lease must outlast the slowest send a live worker can make."""
    lease = settings.EMAIL_SEND_LEASE_SECONDS
    needed = max(MIN_LEASE_SECONDS, 2 * _mailer_timeout())
    if lease >= needed:
        return []
    return [
        Error(
            f"EMAIL_SEND_LEASE_SECONDS is {lease}: a live worker could still be "
            "sending when its claim runs out, and the email would go twice.",
            hint=f"Set it to at least {int(needed)} seconds (twice the mailer's "
            "timeout, and no less than a minute).",
            id="emails.E001",
        )
    ]
