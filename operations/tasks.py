"""Background tasks of the operations app."""

from django.tasks import task

from operations.models import Heartbeat
from operations.services import heartbeat_record


@task()
def worker_heartbeat() -> None:
    """Run by the worker: proves that queued tasks are being executed."""
    heartbeat_record(name=Heartbeat.WORKER)
