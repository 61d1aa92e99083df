"""Signals events sends so that apps above it can react to a change of an event
without events importing them (docs/architecture.md, "seams").

Both are sent by events' services after the transaction that made the change has
committed (never for a change that rolled back), once per change:

- `event_changed(sender=Event, event, changes)`: a published event changed;
  `changes` lists the names of the fields that changed (e.g. ["starts_at"]).
  Tickets connects it to tell ticket holders of a new time or place.
- `event_cancelled(sender=Event, event)`: an event was cancelled. Tickets connects
  it to tell ticket holders.

Receivers run after commit, so an exception in one does not undo the change; keep
them short (enqueue mail, do not send it inline).
"""

from django.dispatch import Signal

event_changed = Signal()
event_cancelled = Signal()
