"""Erase guests inactive for GUEST_DATA_RETENTION_DAYS (run daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from community.privacy import guest_data_purge


class Command(BaseCommand):
    help = (
        "Erase (as account deletion does: tickets and payments stay, anonymised) "
        "the guests who never set a password and had no booking, event or sign-in "
        "for GUEST_DATA_RETENTION_DAYS (default 730; 0 keeps them)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Override GUEST_DATA_RETENTION_DAYS for this run.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.GUEST_DATA_RETENTION_DAYS if days is None else days
        if days <= 0:
            self.stdout.write("GUEST_DATA_RETENTION_DAYS is 0: guests are kept.")
            return
        erased = guest_data_purge(days=days)
        self.stdout.write(f"Erased {erased} guests inactive for {days} days.")
