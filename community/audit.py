"""The audit trail: one function every app calls when something sensitive happens."""

import functools

from django.db import connection, models

from community.middleware import current_request
from community.models import AuditLog
from spanglish.middleware import current_request_id
from spanglish.net import client_ip
from spanglish.rows import column_list


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
    entry = AuditLog(
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
    # One INSERT written once: nearly every write of the site appends an entry,
    # and Model.save() built and compiled the same statement again each time (a
    # tenth of a door scan's CPU). No signal listens to AuditLog.
    sql, fields = _insert_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields],
        )
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


@functools.cache
def _insert_sql() -> tuple[str, tuple]:
    """The INSERT of an audit entry (every column but the id, which it returns)
    and the fields its parameters are the values of."""
    meta = AuditLog._meta
    fields = tuple(f for f in meta.concrete_fields if f is not meta.pk)
    quote = connection.ops.quote_name
    return (
        # Names from the model, quoted; every value is a parameter.
        f"INSERT INTO {quote(meta.db_table)} ({column_list(fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"RETURNING {quote(meta.pk.column)}",
        fields,
    )
