"""GDPR rights: a member's data as JSON, and erasure of their account.

Erasure anonymises rather than deletes the user row: tickets and payments keep
pointing at it, so the accounts still add up, but nothing in them names a person.
What other apps hold (tickets, passes, payments, email logs) is exported and erased
by them, through the member data registry (community.contributors).
"""

from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from community.audit import audit_record
from community.contributors import (
    member_active_since,
    member_data_contributors,
    member_erase,
    member_export,
)
from community.models import AuditLog, Role, User
from community.roles import apply_role_flags, apply_role_groups
from community.services import user_ensure_admin_remains
from community.sessions import user_revoke_sessions

ERASED_NAME = "Deleted member"
# Audit entries whose `changes` hold personal data (addresses, names, phones).
PERSONAL_AUDIT_ACTIONS = ("user.email_changed", "user.profile_changed")
# How the data export names anyone other than the member who acted on their account.
STAFF_LABEL = "Spanglish team"
# Related rows that only make sense with the person (feed tokens, waiting lists…)
# are deleted with CASCADE semantics; these apps' rows are kept, as are those of
# every app that registered member data (it erases its own: contributors.py).
KEEP_APPS = {"admin", "auth", "community", "token_blacklist"}


def _about_user(user: User) -> Q:
    return Q(target_type=User._meta.label_lower, target_id=str(user.pk)) | Q(actor=user)


def user_export_data(*, user: User) -> dict:
    """Everything stored about `user`, as JSON-ready data (dates as ISO strings
    once rendered with DjangoJSONEncoder). Other apps' sections come from the
    member data registry (tickets, passes, emails…), in its order."""
    audit = AuditLog.objects.filter(_about_user(user)).order_by("timestamp")
    return {
        "profile": {
            "id": str(user.pk),
            "email": user.email,
            "email_verified_at": user.email_verified_at,
            "name": user.name,
            "phone": user.phone,
            "language": user.language,
            "role": user.role,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "consents": {
            "news_by_email": user.marketing_consent,
            "news_by_email_changed_at": user.marketing_consent_at,
            "history": [
                {
                    "at": entry.timestamp,
                    "action": entry.action,
                    "by": _export_actor(entry, user=user),
                }
                for entry in audit
                if entry.action.startswith("user.consent_")
            ],
        },
        **member_export(user=user),
        "audit_entries": [_export_audit_entry(entry, user=user) for entry in audit],
    }


def _export_actor(entry: AuditLog, *, user: User) -> str:
    if entry.actor_id == user.pk:
        return entry.actor_label
    # Staff who acted on the account are not named: their address is theirs.
    return STAFF_LABEL if entry.actor_id or entry.actor_label else ""


def _export_audit_entry(entry: AuditLog, *, user: User) -> dict:
    """An audit entry as the member may see it: what happened and when. Only their
    own actions keep the IP address they came from; what they did to someone else's
    records keeps no detail of those (a volunteer's export names no guests)."""
    by_member = entry.actor_id == user.pk
    about_member = (
        entry.target_type == User._meta.label_lower and entry.target_id == str(user.pk)
    )
    return {
        "at": entry.timestamp,
        "action": entry.action,
        "actor": _export_actor(entry, user=user),
        "target": entry.target_label if about_member else entry.target_type,
        "ip_address": entry.ip_address if by_member else None,
        "changes": entry.changes if about_member else {},
    }


def _delete_personal_relations(user: User) -> None:
    keep = KEEP_APPS | {c.name for c in member_data_contributors()}
    for relation in User._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label in keep:
            continue
        if relation.on_delete is models.CASCADE:
            model._base_manager.filter(**{relation.field.name: user}).delete()


@transaction.atomic
def user_erase(*, user: User, actor: User | None = None, reason: str = "") -> User:
    """Erase a member's personal data; keep anonymised tickets, passes and payments
    for the accounts (provider payloads emptied): each app erases its own through
    the member data registry. Ends their sessions and API tokens. Audited.
    Idempotent. `reason` names a cause other than the member or staff in the audit
    entry ("retention": guest_data_purge).

    The last active admin cannot be erased (ConflictError): the active admins' rows
    are locked before the user's, as for a demotion."""
    user_ensure_admin_remains(user=user, stays_admin=False)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.anonymised_at is not None:
        return user
    email = user.email
    now = timezone.now()

    # Each app's share (tickets, payments, passes, email logs), while the user
    # still has the address their rows may be found by.
    member_erase(user=user, actor=actor)
    _delete_personal_relations(user)
    user_revoke_sessions(user=user)  # `user` keeps the new epoch for save() below
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()

    label = f"deleted-{user.pk.hex}"
    AuditLog.objects.filter(actor=user).update(actor_label=label)
    about = AuditLog.objects.filter(
        target_type=User._meta.label_lower, target_id=str(user.pk)
    )
    about.update(target_label=label)
    about.filter(action__in=PERSONAL_AUDIT_ACTIONS).update(changes={"erased": True})
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=label)

    user.email = f"{label}@deleted.invalid"
    user.name = ""
    user.phone = ""
    user.set_unusable_password()
    user.is_active = False
    user.email_verified_at = None
    user.marketing_consent = False
    user.marketing_consent_at = now
    user.anonymised_at = now
    user.role = Role.MEMBER
    apply_role_flags(user)
    user.save()
    apply_role_groups(user)
    user.user_permissions.clear()

    by_self = actor is not None and actor.pk == user.pk
    audit_record(
        action="user.deleted",
        actor=user if by_self else actor,  # the anonymised copy, not the old label
        target=user,
        changes={"by": reason or ("self" if by_self else "staff")},
    )
    return user


def inactive_guests(*, since: datetime):
    """Members who never set a password (they booked as guests) and whom nobody saw
    since `since`: not joined, not signed in by link, and no app reports them active
    (a booking, an event, a pass: community.contributors `active_since`)."""
    guests = User.objects.filter(
        Q(password__startswith=UNUSABLE_PASSWORD_PREFIX) | Q(password=""),
        role=Role.MEMBER,
        is_staff=False,
        anonymised_at__isnull=True,
        date_joined__lt=since,
    ).filter(Q(last_login__isnull=True) | Q(last_login__lt=since))
    for active in member_active_since(since=since):
        guests = guests.exclude(pk__in=active)
    return guests


def guest_data_purge(*, days: int | None = None, now: datetime | None = None) -> int:
    """Erase, as "delete my account" does, the guests inactive for `days`
    (GUEST_DATA_RETENTION_DAYS; 0 = never). One transaction per guest, so a failure
    leaves the others done; each is audited as `user.deleted` by "retention".
    Returns how many were erased."""
    days = settings.GUEST_DATA_RETENTION_DAYS if days is None else days
    if days <= 0:
        return 0
    since = (now or timezone.now()) - timedelta(days=days)
    erased = 0
    for user in inactive_guests(since=since).order_by("date_joined").iterator():
        user_erase(user=user, actor=None, reason="retention")
        erased += 1
    return erased
