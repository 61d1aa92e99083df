"""Writes of the calendars app: clicks, feed tokens and widget appearance."""

from django.db import transaction
from django.utils import timezone

from calendars.models import (
    CalendarFeedToken,
    Click,
    EventWidgetSettings,
    WidgetSettings,
    new_feed_token,
)
from community.audit import audit_record
from events.models import Event


def click_record(*, event_id, type: str, visitor: str = "") -> Click:
    """One INSERT, no lookups: the caller already resolved the event."""
    return Click.objects.create(event_id=event_id, type=type, visitor=visitor)


def feed_token_get_or_create(*, user) -> CalendarFeedToken:
    token, _ = CalendarFeedToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def feed_token_rotate(*, user) -> CalendarFeedToken:
    """Replace the secret: the old feed URL stops working at once."""
    token, created = CalendarFeedToken.objects.select_for_update().get_or_create(
        user=user
    )
    if not created:
        token.token = new_feed_token()
        token.rotated_at = timezone.now()
        token.save(update_fields=["token", "rotated_at"])
    audit_record(action="calendar.feed_token_rotated", actor=user, target=user)
    return token


@transaction.atomic
def feed_token_revoke(*, user) -> bool:
    """Delete the secret; a new one is only made when the member asks again."""
    deleted, _ = CalendarFeedToken.objects.filter(user=user).delete()
    if deleted:
        audit_record(
            action="calendar.feed_token_revoked",
            actor=user,
            target=user,
        )
    return bool(deleted)


def _apply(obj, fields: dict) -> dict:
    changes = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(obj, name, value)
    return changes


@transaction.atomic
def widget_settings_update(*, actor=None, **fields) -> WidgetSettings:
    """Validate (full_clean) and save the site-wide widget defaults."""
    obj, _ = WidgetSettings.objects.select_for_update().get_or_create(pk=1)
    changes = _apply(obj, fields)
    obj.full_clean()
    if changes:
        obj.save()
        audit_record(
            action="calendar.widget_settings_updated",
            actor=actor,
            target=obj,
            changes=changes,
        )
    return obj


@transaction.atomic
def event_widget_settings_update(
    *, event: Event, actor=None, **fields
) -> EventWidgetSettings:
    """Validate and save one event's widget overrides."""
    obj, _ = EventWidgetSettings.objects.select_for_update().get_or_create(event=event)
    changes = _apply(obj, fields)
    obj.full_clean()
    if changes:
        obj.save()
        audit_record(
            action="calendar.event_widget_settings_updated",
            actor=actor,
            target=event,
            changes=changes,
        )
    return obj
