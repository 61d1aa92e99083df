"""Periodic jobs of the emails app (operations/jobs.py schedules and records them).

Apart from emails/tasks.py, which delivers; EmailsConfig.ready() imports this module
so the scheduler and the worker know the job.
"""

from emails.reminders import reminders_send
from operations.jobs import periodic


@periodic("0 * * * *")
def send_reminders() -> str:
    """Queue the day-before reminders that are due (as `manage.py send_reminders`);
    once per ticket, however often it runs."""
    return f"{reminders_send()} reminder(s) queued."
