"""The emails app's share of a member's data (seam: community.contributors).

The email log holds what was sent to a member, by account or by address: it is a
section of their data export ("emails", delivery internals left out) and is deleted
when they are erased. Registered from EmailsConfig.ready().
"""

from django.db.models import Q

from emails.models import EmailLog

# Email log columns that are delivery internals, not the member's data (a mail
# server's error may quote other addresses; headers and keys are plumbing).
EMAIL_LOG_INTERNAL = {
    "error",
    "headers",
    "key",
    "attempts",
    "lease_until",
    "leased_by",
    "leased_at",
}


def _logs_of(user, *, email: str):
    return EmailLog.objects.filter(Q(user=user) | Q(to_email__iexact=email))


def emails_export(user) -> dict:
    """The member's email log entries, keyed by model label as before."""
    fields = [
        f.attname
        for f in EmailLog._meta.concrete_fields
        if f.name not in EMAIL_LOG_INTERNAL
    ]
    return {
        EmailLog._meta.label_lower: list(
            _logs_of(user, email=user.email).values(*fields)
        )
    }


def emails_erase(user, *, actor) -> None:
    """Delete every log entry sent to the member's account or address."""
    EmailLog._base_manager.filter(
        Q(user=user) | Q(to_email__iexact=user.email)
    ).delete()
