"""What passes hold about a member: their section of the GDPR data export and the
erasure of their passes' payment payloads (seam: community.contributors,
registered from PassesConfig.ready()). The export section is exactly what
community built itself before the seam existed."""

from django.db.models import Q
from django.utils import timezone

from passes.models import Pass
from payments.member_data import (
    payment_export,
    payments_erase_provider_data,
    payments_for_payables,
)

KIND = "pass"


def member_export(user) -> list[dict]:
    """The "passes" section: every pass of the member with its payments."""
    passes = list(
        Pass.objects.filter(user=user)
        .with_sessions_used()
        .select_related("product")
        .order_by("created_at")
    )
    payments = payments_for_payables(KIND, [p.pk for p in passes])
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
            "payments": [
                payment_export(p) for p in payments.get(str(pass_purchase.pk), [])
            ],
        }
        for pass_purchase in passes
    ]


def member_erase(user, *, actor=None) -> None:
    """The passes stay (anonymised with the user row, for the accounts); their
    payments' provider payloads, which name the payer, are emptied."""
    ids = list(Pass.objects.filter(user=user).values_list("pk", flat=True))
    payments_erase_provider_data(kind=KIND, ids=ids, now=timezone.now())


def member_active_since(since):
    """Ids of the members who bought a pass, or held one still valid, at or after
    `since` (the guest retention rule: community.privacy.guest_data_purge)."""
    return (
        Pass.objects.filter(Q(created_at__gte=since) | Q(expires_at__gte=since))
        .filter(user__isnull=False)
        .values("user_id")
    )
