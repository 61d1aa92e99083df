"""Seam: what apps above events add to every list of events they did not write.

Events does not know about seats (tickets sits above it). Tickets registers, from
its AppConfig.ready(), a function that annotates an Event queryset with the seats
held (`seats_held_count`, and per language side `held_es`/`held_en`):

    register_event_annotation(with_seats_held)

Events' selectors (the public pages, the API, the admin, the series pages) pass
their querysets through `annotate_events()`, which applies every registered
function in registration order, all in the same query (no N+1).

`Event.seats_left` reads the `SEATS_HELD` annotation. On an event that was loaded
without it (a freshly created event, a `get()`), the property runs the registered
annotations for that one row: one query, the same number it always cost. With
nothing registered (events without a seat-keeping app) nobody can hold a seat, so
the seats held are 0 and every seat is left; that fallback never hides an event
as sold out, and booking itself counts seats under a lock in tickets' services.
"""

from collections.abc import Callable

from django.db.models import QuerySet

# The annotation `Event.seats_left` reads: seats held by tickets and open offers.
SEATS_HELD = "seats_held_count"

EventAnnotation = Callable[[QuerySet], QuerySet]

_annotations: list[EventAnnotation] = []


def register_event_annotation(fn: EventAnnotation) -> EventAnnotation:
    """Add `fn(queryset) -> queryset` to what every events selector applies.
    Registering the same function twice is a no-op; usable as a decorator."""
    if fn not in _annotations:
        _annotations.append(fn)
    return fn


def unregister_event_annotation(fn: EventAnnotation) -> None:
    """Remove `fn` (for tests that need events on their own)."""
    if fn in _annotations:
        _annotations.remove(fn)


def annotate_events(queryset: QuerySet) -> QuerySet:
    """`queryset` with every registered annotation applied."""
    for fn in _annotations:
        queryset = fn(queryset)
    return queryset


def annotated_value(obj, name: str, default: int = 0) -> int:
    """`obj.<name>` when the queryset annotated it; else the registered annotations
    run for this one row (one query); `default` when none of them adds `name`."""
    value = getattr(obj, name, None)
    if value is not None:
        return value
    if obj.pk is None or not _annotations:
        return default
    queryset = annotate_events(type(obj)._default_manager.filter(pk=obj.pk))
    if name not in queryset.query.annotations:
        return default
    value = queryset.values_list(name, flat=True).first()
    return default if value is None else value
