"""The audit trail: one function every app calls when something sensitive happens."""

from django.db import models

from community.middleware import current_request
from community.models import AuditLog
from spanglish.middleware import current_request_id
from spanglish.net import client_ip


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    changes: dict | None = None,
) -> AuditLog:
    """Append an audit entry. Runs inside the caller's transaction, so it commits or
    rolls back with the change it records. Who acted from where comes from the
    request the middleware put in context (community.middleware), not from callers."""
    actor = actor if (actor is not None and actor.is_authenticated) else None
    request = current_request()
    request = getattr(request, "_request", request)  # DRF's wrapper → HttpRequest
    return AuditLog.objects.create(
        actor=actor,
        actor_label=actor.email if actor else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:254] if target is not None else "",
        ip_address=(client_ip(request) or None) if request is not None else None,
        request_id=current_request_id(),
        changes=changes or {},
    )
