"""`manage.py worker_heartbeat`: queue a task whose run proves the worker is alive.

The scheduler (`manage.py crontask`) queues it every minute; run this by hand to
check a worker. /readyz reports how long ago the worker last executed it.
"""

from django.core.management.base import BaseCommand

from operations.tasks import worker_heartbeat


class Command(BaseCommand):
    help = "Enqueue the worker heartbeat task."

    def handle(self, *args, **options):
        result = worker_heartbeat.enqueue()
        self.stdout.write(f"Heartbeat task queued ({result.id}).")
