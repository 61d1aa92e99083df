"""The waiting list: joining a sold-out event, leaving it, offering freed seats in
turn, and ending offers nobody took in time."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.audit import audit_record
from events.models import Event
from tickets import notifications
from tickets.models import Ticket, WaitingListEntry, WaitlistStatus
from tickets.selectors import held_by_side, room_for_side
from tickets.services.seats import RESEND_SECONDS, lock_event, seat_room, side_choose


@transaction.atomic
def waitlist_join(
    *,
    event: Event,
    user,
    name: str = "",
    email: str = "",
    side: str = "",
    by_email_only: bool = False,
) -> tuple[WaitingListEntry | None, bool]:
    """Put a person on a sold-out event's waiting list. Locks the event row.

    Returns (entry, created); someone already waiting gets their entry back. At a
    language-split event the list is per side: one may join when their side is
    full (side chosen as for booking).

    `by_email_only` (as for ticket_book: the joiner only typed `user`'s address):
    nothing the caller learns may depend on that address. The only refusals are
    the event's own (not bookable; seats free for a newcomer on the side asked
    for); otherwise (None, False) when nothing was added: the address already
    holds a ticket (its link is emailed there again, at most every
    RESEND_SECONDS), its account is deactivated, or its owner's side has seats.
    """
    event = lock_event(event)
    if not event.is_bookable:
        raise ValidationError(_("This event is not open for booking."))
    if by_email_only:
        if seat_room(event, side_choose(event, None, side)) > 0:
            raise ValidationError(_("Seats are available: book a ticket instead."))
        if not user.is_active:
            audit_record(
                action="waitlist.join_withheld",
                target=user,
                changes={"event": str(event.pk), "reason": "account_inactive"},
            )
            return None, False
    held = Ticket.objects.active().filter(event=event, user=user).first()
    if held is not None:
        if not by_email_only:
            raise ValidationError(_("You already have a ticket for this event."))
        if cache.add(f"tickets:resend:{held.pk}", 1, RESEND_SECONDS):
            notifications.notify_ticket_confirmed(held)
        return None, False
    existing = WaitingListEntry.objects.filter(
        event=event,
        user=user,
        status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
    ).first()
    if existing is not None:
        # Joined by typing the address again: its owner may have lost the email
        # with the link to leave; sent again as for a ticket, at most so often.
        if by_email_only and cache.add(
            f"tickets:waitlist-joined:{existing.pk}", 1, RESEND_SECONDS
        ):
            notifications.notify_waitlist_joined(existing)
        return existing, False
    side = side_choose(event, user, side)
    if seat_room(event, side) > 0:
        if by_email_only:
            # The owner's profile puts them on a side with seats (the side asked
            # for had none): saying so would tell the joiner their native language.
            return None, False
        raise ValidationError(_("Seats are available: book a ticket instead."))
    entry = WaitingListEntry.objects.create(
        event=event,
        side=side,
        user=user,
        name=name or user.name,
        email=(email or user.email).lower(),
    )
    audit_record(action="waitlist.joined", actor=user, target=entry)
    notifications.notify_waitlist_joined(entry)
    return entry, True


OPEN_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


@transaction.atomic
def waitlist_leave(
    *, entry: WaitingListEntry, actor=None, via: str = ""
) -> tuple[WaitingListEntry, bool]:
    """Take a person off an event's waiting list. Locks the event row (an offer
    holds a seat), then the entry.

    Returns (entry, left). Idempotent: an entry no longer waiting or offered
    (left already, booked, expired) comes back unchanged with False. A seat kept
    for this person's offer goes to the next person waiting, whose offer email
    goes out after commit. `via` says where from ("event_page", "email_link"),
    for the audit trail; `actor` is the signed-in person, if any.
    """
    event = lock_event(entry.event)
    entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status not in OPEN_STATUSES:
        return entry, False
    previous = entry.status
    entry.status = WaitlistStatus.CANCELLED
    entry.save(update_fields=["status", "updated_at"])
    audit_record(
        action="waitlist.left",
        actor=actor,
        target=entry,
        changes={"status": [previous, WaitlistStatus.CANCELLED], "via": via},
    )
    if previous == WaitlistStatus.OFFERED:
        waitlist_offer_next(event=event)
    return entry, True


@transaction.atomic
def waitlist_offer_next(*, event: Event, now=None) -> list[WaitingListEntry]:
    """Offer every free seat to the next people waiting. Locks the event row.

    Each offer keeps one seat for WAITLIST_OFFER_HOURS (never past the event's
    end); the offer email goes out after commit. At a language-split event the
    list is per side: a freed seat of one side goes to the next person of that
    side, a free flexible seat to the next person of either side.
    """
    event = lock_event(event)
    if not event.is_bookable:
        return []
    now = now or timezone.now()
    held = held_by_side(event=event)
    offered: list[WaitingListEntry] = []
    if sum(held.values()) >= event.capacity:
        return offered
    waiting = (
        WaitingListEntry.objects.select_for_update()
        .filter(event=event, status=WaitlistStatus.WAITING)
        .order_by("created_at")
    )
    for entry in waiting:
        if sum(held.values()) >= event.capacity:
            break
        if room_for_side(event=event, held=held, side=entry.side) <= 0:
            continue  # their side is full; someone of the other side may fit
        if Ticket.objects.active().filter(event=event, user_id=entry.user_id).exists():
            entry.status = WaitlistStatus.BOOKED
            entry.save(update_fields=["status", "updated_at"])
            continue
        entry.status = WaitlistStatus.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = min(
            now + timedelta(hours=settings.WAITLIST_OFFER_HOURS), event.ends_at
        )
        entry.save(
            update_fields=["status", "offered_at", "offer_expires_at", "updated_at"]
        )
        audit_record(
            action="waitlist.offered",
            target=entry,
            changes={"offer_expires_at": entry.offer_expires_at.isoformat()},
        )
        notifications.notify_waitlist_offer(entry)
        offered.append(entry)
        held[entry.side] = held.get(entry.side, 0) + 1
    return offered


def waitlist_expire_offers(*, now=None) -> int:
    """End offers nobody took in time and pass each seat to the next person."""
    now = now or timezone.now()
    events: dict = {}
    count = 0
    for entry in WaitingListEntry.objects.stale_offers(now).select_related("event"):
        with transaction.atomic():
            updated = (
                WaitingListEntry.objects.stale_offers(now)
                .filter(pk=entry.pk)
                .update(status=WaitlistStatus.EXPIRED, updated_at=now)
            )
            if updated:
                count += 1
                events[entry.event_id] = entry.event
                audit_record(
                    action="waitlist.offer_expired",
                    target=entry,
                    changes={
                        "status": [WaitlistStatus.OFFERED, WaitlistStatus.EXPIRED]
                    },
                )
    for event in events.values():
        waitlist_offer_next(event=event, now=now)
    return count
