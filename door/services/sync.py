"""The phones' offline check-ins: a queue made without a network, applied in order
when it comes back. Idempotent per check-in; the server decides who got in first."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from door.models import OfflineCheckin
from events.models import Event
from tickets import services as ticket_services
from tickets.models import normalize_ticket_code


@dataclass
class SyncAnswer:
    client_id: str
    code: str
    outcome: str
    ok: bool
    message: str
    name: str = ""
    checked_in_at: datetime | None = None
    checked_in_by: str = ""
    replayed: bool = False


def _answer(row: OfflineCheckin, *, replayed: bool) -> SyncAnswer:
    ticket = row.ticket
    return SyncAnswer(
        client_id=row.client_id,
        code=row.code,
        outcome=row.outcome,
        ok=row.outcome == ticket_services.CheckinOutcome.CHECKED_IN,
        message=row.message,
        name=(ticket.attendee_name or ticket.attendee_email) if ticket else "",
        checked_in_at=ticket.checkin_at if ticket else None,
        checked_in_by=str(ticket.checked_in_by or "") if ticket else "",
        replayed=replayed,
    )


def checkin_sync_one(
    *,
    event: Event,
    code: str,
    client_id: str,
    checked_in_at: datetime,
    device_id: str = "",
    cash: str = ticket_services.CheckinCash.ASK,
    actor,
) -> SyncAnswer:
    """Apply one check-in a phone queued. Idempotent by `client_id`: a replay gets
    the first answer back and changes nothing. The server is the authority: the
    first check-in of a ticket to arrive admits it (ticket_check_in locks the ticket
    row); any other gets "already checked in at HH:MM by X". `cash` is what the
    volunteer chose on the phone for money due: received (recorded as cash, once
    per ticket) or unpaid (admitted, not paid); none (ASK): nothing is recorded and
    the answer says what to collect — a stale list on the phone never records cash
    nobody took."""
    existing = (
        OfflineCheckin.objects.select_related("ticket", "ticket__checked_in_by")
        .filter(client_id=client_id)
        .first()
    )
    if existing is not None:
        return _answer(existing, replayed=True)
    try:
        with transaction.atomic():
            result = ticket_services.ticket_check_in(
                code=code, event=event, actor=actor, cash=cash
            )
            row = OfflineCheckin.objects.create(
                client_id=client_id,
                device_id=device_id[:64],
                event=event,
                ticket=result.ticket,
                code=normalize_ticket_code(code)[:32],
                checked_in_at=checked_in_at,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                outcome=result.outcome,
                message=result.message[:300],
            )
    except IntegrityError:
        # The same batch arrived twice at once: the other request recorded it.
        existing = OfflineCheckin.objects.select_related("ticket").get(
            client_id=client_id
        )
        return _answer(existing, replayed=True)
    return _answer(row, replayed=False)


def checkins_sync(*, event: Event, items: list[dict], actor) -> list[SyncAnswer]:
    """Apply a phone's queue in the order it was made (oldest first)."""
    ordered = sorted(items, key=lambda item: item["checked_in_at"])
    return [
        checkin_sync_one(
            event=event,
            code=item["code"],
            client_id=item["client_id"],
            checked_in_at=item["checked_in_at"],
            device_id=item.get("device_id", ""),
            cash=item.get("cash") or ticket_services.CheckinCash.ASK,
            actor=actor,
        )
        for item in ordered
    ]
