"""Periodic jobs of the events app (spanglish/jobs.py schedules them, operations records them)."""

from events.services import series_generate_all
from spanglish.jobs import periodic


@periodic("30 2 * * *")
def generate_series_sessions() -> str:
    """Extend every event series up to its horizon (as `manage.py
    generate_series_sessions`); idempotent."""
    return f"{series_generate_all()} session(s) generated."
