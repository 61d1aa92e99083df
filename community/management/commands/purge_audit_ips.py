"""Erase IP addresses older than AUDIT_IP_RETENTION_DAYS (run daily)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from community.models import AuditLog


class Command(BaseCommand):
    help = (
        "Erase IP addresses from audit entries and sign-in logs older than "
        "AUDIT_IP_RETENTION_DAYS (default 90). The entries themselves stay."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Override AUDIT_IP_RETENTION_DAYS for this run.",
        )

    def handle(self, *args, days=None, **options):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        days = settings.AUDIT_IP_RETENTION_DAYS if days is None else days
        cutoff = timezone.now() - timedelta(days=days)
        audit = AuditLog.objects.filter(
            timestamp__lt=cutoff, ip_address__isnull=False
        ).update(ip_address=None)
        # django-axes keeps one row per sign-in with its IP; old rows go entirely.
        logs = 0
        for model in (AccessLog, AccessFailureLog, AccessAttempt):
            logs += model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        self.stdout.write(
            f"Erased IP addresses from {audit} audit entries older than {days} days; "
            f"deleted {logs} old sign-in log rows."
        )
