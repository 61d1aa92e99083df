"""Public pages and API under load, each compared with a minimal view (the ceiling)."""

import os

from bench import server
from bench.load import hammer

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))


def seed() -> str:
    """Demo data plus enough events that list pages are full. Returns an event slug."""
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event, EventStatus

    server.manage("seed_demo")
    now = timezone.now()
    existing = set(
        Event.objects.filter(slug__startswith="bench-").values_list("slug", flat=True)
    )
    Event.objects.bulk_create(
        [
            Event(
                slug=f"bench-{i}",
                title_es=f"Intercambio {i}",
                title_en=f"Exchange {i}",
                description_es="Hablamos.",
                description_en="We talk.",
                starts_at=now + timedelta(days=1 + i % 60, hours=i % 7),
                ends_at=now + timedelta(days=1 + i % 60, hours=2 + i % 7),
                capacity=50,
                status=EventStatus.PUBLISHED,
                venue_name="Café Central",
            )
            for i in range(200)
            if f"bench-{i}" not in existing
        ]
    )
    return Event.objects.published().upcoming().first().slug


def run() -> list[dict]:
    slug = seed()
    from events.models import Event

    event_id = Event.objects.get(slug=slug).pk
    targets = [
        ("minimal view (ceiling)", "/healthz"),
        ("home page", "/en/"),
        ("event list", "/en/events/"),
        ("event detail", f"/en/events/{slug}/"),
        ("GET /api/events", "/api/events"),
        ("GET /api/events/{id}", f"/api/events/{event_id}"),
    ]
    rows = []
    with server.running_server() as base:
        ceiling = None
        for label, path in targets:
            hammer(base + path, seconds=2, concurrency=4)  # warm up caches and workers
            result = hammer(base + path, seconds=SECONDS, concurrency=CONCURRENCY)
            ceiling = ceiling or result["rps"]
            ratio = result["rps"] / ceiling if ceiling else 0
            note = f"{result['requests']} requests, {result['errors']} errors, {ratio:.0%} of ceiling"
            rows += [
                {
                    "name": f"{label}: requests/s",
                    "value": round(result["rps"], 1),
                    "unit": "req/s",
                    "note": note,
                },
                {
                    "name": f"{label}: p50",
                    "value": round(result["p50_ms"], 2),
                    "unit": "ms",
                },
                {
                    "name": f"{label}: p99",
                    "value": round(result["p99_ms"], 2),
                    "unit": "ms",
                },
            ]
    return rows
