"""Periodic jobs of the community app (spanglish/jobs.py schedules them, operations records them).

Both run their management command, where the logic lives, so there is one copy.
"""

import io

from django.core.management import call_command

from community.api.idempotency import idempotency_keys_purge
from spanglish.jobs import periodic


def _command(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue().strip()


@periodic("0 4 * * *")
def purge_audit_ips() -> str:
    """Erase IP addresses older than AUDIT_IP_RETENTION_DAYS from the audit trail
    and the sign-in logs."""
    return _command("purge_audit_ips")


@periodic("10 4 * * *")
def purge_guest_data() -> str:
    """Erase guests (no password) inactive for GUEST_DATA_RETENTION_DAYS."""
    return _command("purge_guest_data")


@periodic("30 4 * * *")
def flush_expired_tokens() -> str:
    """Delete expired JWT refresh tokens from simplejwt's blacklist tables."""
    return _command("flushexpiredtokens") or "Expired tokens flushed."


@periodic("15 * * * *")
def purge_idempotency_keys() -> str:
    """Delete API idempotency keys older than IDEMPOTENCY_KEY_HOURS (their first
    answers, kept for replay, go with them)."""
    return f"{idempotency_keys_purge()} expired idempotency keys deleted."
