"""Periodic jobs of the events app (operations/jobs.py schedules and records them)."""

from events.series import series_generate_all
from operations.jobs import periodic


@periodic("30 2 * * *")
def generate_series_sessions() -> str:
    """Extend every event series up to its horizon (as `manage.py
    generate_series_sessions`); idempotent."""
    return f"{series_generate_all()} session(s) generated."
