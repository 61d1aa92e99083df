"""Writes on events and weekly series, split by topic; the public names are
re-exported here so `from events.services import event_update` keeps working.

- events.py: create, update, publish, cancel, duplicate, delete one event.
- series.py: series and their sessions (the rule itself is events/recurrence.py).
- images.py: an event's banner and gallery photos (stored by media).
"""

from events.services.events import (
    CALENDAR_FIELDS,
    event_cancel,
    event_create,
    event_delete,
    event_duplicate,
    event_publish,
    event_update,
    unique_event_slug,
)
from events.services.images import (
    event_image_create,
    event_image_delete,
    event_image_upload,
)
from events.services.series import (
    HORIZON,
    MOVE_WINDOW,
    RULE_FIELDS,
    SERIES_FIELDS,
    SESSION_FIELDS,
    FutureUpdate,
    series_create,
    series_generate_all,
    series_generate_sessions,
    series_update_future,
    session_skip,
    session_update_one,
)

__all__ = [
    "CALENDAR_FIELDS",
    "HORIZON",
    "MOVE_WINDOW",
    "RULE_FIELDS",
    "SERIES_FIELDS",
    "SESSION_FIELDS",
    "FutureUpdate",
    "event_cancel",
    "event_create",
    "event_delete",
    "event_duplicate",
    "event_image_create",
    "event_image_delete",
    "event_image_upload",
    "event_publish",
    "event_update",
    "series_create",
    "series_generate_all",
    "series_generate_sessions",
    "series_update_future",
    "session_skip",
    "session_update_one",
    "unique_event_slug",
]
