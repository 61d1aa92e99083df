"""Extend every event series with its sessions up to the horizon (run daily)."""

from django.core.management.base import BaseCommand

from events.services import HORIZON, series_generate_all


class Command(BaseCommand):
    help = (
        f"Generate the missing sessions of every event series up to "
        f"{HORIZON.days // 7} weeks ahead. Idempotent; schedule it daily."
    )

    def handle(self, *args, **options):
        created = series_generate_all()
        self.stdout.write(f"{created} session(s) generated.")
