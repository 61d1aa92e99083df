"""GDPR rights: a member's data as JSON, and erasure of their account.

Erasure anonymises rather than deletes the user row: tickets and payments keep
pointing at it, so the accounts still add up, but nothing in them names a person.
"""

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from community.audit import audit_record
from community.models import AuditLog, Role, User
from community.roles import apply_role_groups
from community.services import user_ensure_admin_remains
from community.sessions import user_revoke_sessions

ERASED_NAME = "Deleted member"
# Audit entries whose `changes` hold personal data (addresses, names, phones).
PERSONAL_AUDIT_ACTIONS = ("user.email_changed", "user.profile_changed")
# How the data export names anyone other than the member who acted on their account.
STAFF_LABEL = "Spanglish team"
# Email log columns that are delivery internals, not the member's data (a mail
# server's error may quote other addresses; headers and keys are plumbing).
EMAIL_LOG_INTERNAL = {"error", "headers", "key", "attempts"}
# Related rows that only make sense with the person (waiting lists, feed tokens,
# email logs of other apps…) are deleted with CASCADE semantics; these are kept.
KEEP_APPS = {
    "admin",
    "auth",
    "community",
    "tickets",
    "payments",
    "passes",
    "token_blacklist",
}


def _about_user(user: User) -> Q:
    return Q(target_type=User._meta.label_lower, target_id=str(user.pk)) | Q(actor=user)


def _email_log_models() -> list[type[models.Model]]:
    """Models of the emails app that point at a user (its send log), if installed."""
    try:
        config = apps.get_app_config("emails")
    except LookupError:
        return []
    return [
        model
        for model in config.get_models()
        if any(
            field.is_relation and field.related_model is User and field.name == "user"
            for field in model._meta.fields
        )
    ]


def _email_fields(model) -> list[str]:
    return [f.name for f in model._meta.fields if isinstance(f, models.EmailField)]


def user_export_data(*, user: User) -> dict:
    """Everything stored about `user`, as JSON-ready data (dates as ISO strings
    once rendered with DjangoJSONEncoder)."""
    from tickets.models import Ticket

    tickets = (
        Ticket.objects.filter(user=user)
        .select_related("event")
        .prefetch_related("payments")
        .order_by("created_at")
    )
    emails = {}
    for model in _email_log_models():
        condition = Q(user=user)
        for name in _email_fields(model):
            condition |= Q(**{f"{name}__iexact": user.email})
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name not in EMAIL_LOG_INTERNAL
        ]
        emails[model._meta.label_lower] = list(
            model.objects.filter(condition).values(*fields)
        )
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
        "tickets": [
            {
                "id": str(ticket.pk),
                "code": ticket.code,
                "event": ticket.event.title,
                "event_starts_at": ticket.event.starts_at,
                "status": ticket.status,
                "attendee_name": ticket.attendee_name,
                "attendee_email": ticket.attendee_email,
                "payment_method": ticket.payment_method,
                "checked_in_at": ticket.checkin_at,
                "booked_at": ticket.created_at,
                "payments": [
                    _export_payment(payment) for payment in ticket.payments.all()
                ],
            }
            for ticket in tickets
        ],
        "passes": _export_passes(user),
        "emails": emails,
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


def _export_payment(payment) -> dict:
    return {
        "id": str(payment.pk),
        "provider": payment.provider,
        "amount": payment.amount,
        "currency": payment.currency,
        "status": payment.status,
        "refunded_amount": payment.refunded_amount,
        "created_at": payment.created_at,
    }


def _export_passes(user: User) -> list[dict]:
    from passes.models import Pass

    passes = (
        Pass.objects.filter(user=user)
        .with_sessions_used()
        .select_related("product")
        .prefetch_related("payments")
        .order_by("created_at")
    )
    return [
        {
            "id": str(pass_purchase.pk),
            "product": str(pass_purchase.product),
            "status": pass_purchase.status,
            "sessions_total": pass_purchase.sessions_total,
            "sessions_used": pass_purchase.sessions_used,
            "sessions_left": pass_purchase.sessions_left,
            "price": pass_purchase.price,
            "currency": pass_purchase.currency,
            "paid_at": pass_purchase.activated_at,
            "expires_at": pass_purchase.expires_at,
            "closed_at": pass_purchase.closed_at,
            "payments": [_export_payment(p) for p in pass_purchase.payments.all()],
        }
        for pass_purchase in passes
    ]


def _delete_personal_relations(user: User) -> None:
    for relation in User._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label in KEEP_APPS:
            continue
        if relation.on_delete is models.CASCADE:
            model._base_manager.filter(**{relation.field.name: user}).delete()


def _erase_email_logs(user: User, email: str) -> None:
    for model in _email_log_models():
        condition = Q(user=user)
        for name in _email_fields(model):
            condition |= Q(**{f"{name}__iexact": email})
        model._base_manager.filter(condition).delete()


@transaction.atomic
def user_erase(*, user: User, actor: User | None = None, request=None) -> User:
    """Erase a member's personal data; keep anonymised tickets, passes and payments
    for the accounts (provider payloads emptied). Ends their sessions and API tokens. Audited. Idempotent.

    The last active admin cannot be erased (ConflictError): the active admins' rows
    are locked before the user's, as for a demotion."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from payments.models import Payment
    from tickets.models import Ticket

    user_ensure_admin_remains(user=user, stays_admin=False)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.anonymised_at is not None:
        return user
    email = user.email
    now = timezone.now()

    tickets = Ticket.objects.filter(Q(user=user) | Q(attendee_email__iexact=email))
    ticket_ids = list(tickets.values_list("pk", flat=True))
    Ticket.objects.filter(pk__in=ticket_ids).update(
        attendee_name=ERASED_NAME, attendee_email="", updated_at=now
    )
    # Provider payloads carry the payer's name and address; amounts, dates and
    # provider references stay for the accounts.
    Payment.objects.filter(
        Q(ticket_id__in=ticket_ids) | Q(pass_purchase__user=user)
    ).update(raw={}, updated_at=now)

    _delete_personal_relations(user)
    _erase_email_logs(user, email)
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
    user.save()
    apply_role_groups(user)
    user.user_permissions.clear()

    by_self = actor is not None and actor.pk == user.pk
    audit_record(
        action="user.deleted",
        actor=user if by_self else actor,  # the anonymised copy, not the old label
        target=user,
        changes={"by": "self" if by_self else "staff"},
        request=request,
    )
    return user
