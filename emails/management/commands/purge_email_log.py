"""Delete sent and failed emails older than EMAIL_LOG_RETENTION_DAYS (run daily)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from emails.models import EmailLog, EmailStatus


class Command(BaseCommand):
    help = (
        "Delete emails (with their bodies) from the email log once they are older "
        "than EMAIL_LOG_RETENTION_DAYS (default 365; 0 keeps them). Emails still "
        "queued are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Override EMAIL_LOG_RETENTION_DAYS for this run.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.EMAIL_LOG_RETENTION_DAYS if days is None else days
        if days <= 0:
            self.stdout.write("EMAIL_LOG_RETENTION_DAYS is 0: the email log is kept.")
            return
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = EmailLog.objects.filter(
            created_at__lt=cutoff, status__in=[EmailStatus.SENT, EmailStatus.FAILED]
        ).delete()
        self.stdout.write(f"Deleted {deleted} emails older than {days} days.")
