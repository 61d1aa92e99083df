"""Prometheus metrics: request counters and latencies recorded in-process, and
business gauges (tickets, payments, task queue, heartbeats) computed at scrape time
from the database, so every web process reports the same truth.

Under gunicorn, set PROMETHEUS_MULTIPROC_DIR (an empty directory, wiped at start)
so counters from all workers are summed; gunicorn.conf.py marks dead workers.
"""

import os

from django.db.models import Count
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter(
    "spanglish_http_requests_total",
    "HTTP requests answered, by method, route and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "spanglish_http_request_duration_seconds",
    "Time to answer HTTP requests, by method and route.",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def observe_request(*, method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


class _ProcessCollector:
    """This process's own metrics (single-process servers, runserver, tests)."""

    def collect(self):
        yield from REGISTRY.collect()


class DatabaseCollector:
    def collect(self):
        from django_tasks_db.models import DBTaskResult

        from operations.models import Heartbeat
        from payments.models import Payment
        from tickets.models import Ticket, TicketStatus

        tickets = GaugeMetricFamily(
            "spanglish_tickets", "Tickets by status.", labels=["status"]
        )
        counts = dict(
            Ticket.objects.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in TicketStatus.values:
            tickets.add_metric([status], counts.get(status, 0))
        yield tickets
        yield GaugeMetricFamily(
            "spanglish_tickets_sold",
            "Tickets sold: confirmed or checked in.",
            value=counts.get(TicketStatus.CONFIRMED, 0)
            + counts.get(TicketStatus.CHECKED_IN, 0),
        )

        payments = GaugeMetricFamily(
            "spanglish_payments",
            "Payments by provider and status.",
            labels=["provider", "status"],
        )
        for provider, status, n in (
            Payment.objects.order_by()
            .values_list("provider", "status")
            .annotate(n=Count("pk"))
            .values_list("provider", "status", "n")
        ):
            payments.add_metric([provider, status], n)
        yield payments

        queue = GaugeMetricFamily(
            "spanglish_task_queue_depth",
            "Background tasks ready to run, by queue.",
            labels=["queue"],
        )
        for name, n in (
            DBTaskResult.objects.ready()
            .order_by()
            .values_list("queue_name")
            .annotate(n=Count("pk"))
            .values_list("queue_name", "n")
        ):
            queue.add_metric([name], n)
        yield queue

        ages = GaugeMetricFamily(
            "spanglish_heartbeat_age_seconds",
            "Seconds since the worker last ran a task / since the last good backup.",
            labels=["name"],
        )
        now = timezone.now()
        for name, at in Heartbeat.objects.values_list("name", "at"):
            ages.add_metric([name], (now - at).total_seconds())
        yield ages

        yield from _job_metrics(now=now)


def _job_metrics(*, now):
    # Like the models above: the middleware imports this module before apps load.
    from operations.selectors import jobs_status

    last_success = GaugeMetricFamily(
        "spanglish_job_last_success_timestamp_seconds",
        "Unix time of each periodic job's last successful run (absent: never).",
        labels=["job"],
    )
    overdue = GaugeMetricFamily(
        "spanglish_job_overdue",
        "1 when a periodic job has not succeeded within its allowed time (/readyz).",
        labels=["job"],
    )
    failures = GaugeMetricFamily(
        "spanglish_job_failures",
        "Failed runs of each periodic job since it was first known.",
        labels=["job"],
    )
    for status in jobs_status(now=now):
        if status.last_succeeded_at is not None:
            last_success.add_metric([status.name], status.last_succeeded_at.timestamp())
        overdue.add_metric([status.name], int(status.overdue))
        failures.add_metric([status.name], status.state.failures if status.state else 0)
    yield last_success
    yield overdue
    yield failures


def scrape() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ProcessCollector())
    registry.register(DatabaseCollector())
    return generate_latest(registry)
