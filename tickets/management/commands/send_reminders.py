from django.core.management.base import BaseCommand

from tickets.reminders import REMINDER_HOURS, reminders_send


class Command(BaseCommand):
    help = (
        f"Email ticket holders of events starting within {REMINDER_HOURS} hours. "
        "Once per ticket; safe to run every hour (cron or a systemd timer)."
    )

    def handle(self, *args, **options):
        count = reminders_send()
        self.stdout.write(f"{count} reminder(s) queued.")
