"""Every change made in Django Admin lands in the audit trail too: a post_save on
LogEntry, and the admin site's bulk deletions (community/admin_site.py)."""

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.utils import translation

from community.middleware import current_request
from community.models import AuditLog
from spanglish.middleware import current_request_id
from spanglish.net import client_ip

ADMIN_ACTIONS = {
    ADDITION: "admin.add",
    CHANGE: "admin.change",
    DELETION: "admin.delete",
}


def audit_admin_log_entry(sender, instance, created, **kwargs) -> None:
    if created:
        audit_log_entry_record(instance)


def _change(instance) -> dict:
    # English, whatever the admin's language: the trail is read by staff over years.
    with translation.override("en"):
        message = instance.get_change_message()
    try:
        structured = json.loads(instance.change_message or "[]")
    except ValueError:
        structured = []
    return {"message": message, "change": structured}


def audit_log_entry_record(instance) -> None:
    """Copy one admin LogEntry into the audit trail. Single entries arrive through
    post_save (audit_admin_log_entry); those Django writes with one bulk_create
    ("delete selected") through AuditedDeletions in community/admin_site.py."""
    request = current_request()
    actor = instance.user
    content_type = instance.content_type
    AuditLog.objects.create(
        actor=actor,
        actor_label=actor.email if actor else "",
        action=ADMIN_ACTIONS.get(instance.action_flag, "admin.other"),
        target_type=(
            f"{content_type.app_label}.{content_type.model}" if content_type else ""
        ),
        target_id=str(instance.object_id or "")[:64],
        target_label=(instance.object_repr or "")[:254],
        ip_address=(client_ip(request) or None) if request is not None else None,
        request_id=current_request_id(),
        changes=_change(instance),
    )
