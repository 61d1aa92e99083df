"""Click tracking under load: the redirect endpoint that every widget and
add-to-calendar button goes through (one INSERT per request), next to the widget
page itself and the minimal view (the ceiling)."""

import os

from bench import server
from bench.load import hammer

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))


def seed() -> str:
    """A published event to click on. Returns its public_id."""
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event, EventStatus

    now = timezone.now()
    event, _ = Event.objects.get_or_create(
        slug="bench-calendars",
        defaults={
            "title_es": "Intercambio con widget",
            "title_en": "Widget exchange",
            "description_en": "We talk.",
            "starts_at": now + timedelta(days=7),
            "ends_at": now + timedelta(days=7, hours=2),
            "capacity": 50,
            "status": EventStatus.PUBLISHED,
            "venue_name": "Café Central",
        },
    )
    return event.public_id


def _rows(label: str, result: dict, ceiling: float, extra: str = "") -> list[dict]:
    ratio = result["rps"] / ceiling if ceiling else 0
    note = (
        f"{result['requests']} requests, {result['errors']} errors, "
        f"{ratio:.0%} of ceiling{extra}"
    )
    return [
        {
            "name": f"{label}: requests/s",
            "value": round(result["rps"], 1),
            "unit": "req/s",
            "note": note,
        },
        {"name": f"{label}: p50", "value": round(result["p50_ms"], 2), "unit": "ms"},
        {"name": f"{label}: p99", "value": round(result["p99_ms"], 2), "unit": "ms"},
    ]


def run() -> list[dict]:
    from calendars.models import Click

    public_id = seed()
    # One client IP (loopback) sends everything: lift the per-client limit, which
    # would otherwise answer 429 after 60 requests and measure the limiter instead.
    os.environ["CALENDAR_TRACK_RATE"] = "1000000000/minute"
    rows: list[dict] = []
    try:
        with server.running_server() as base:
            track = f"{base}/track/{public_id}/google?lang=en"
            hammer(f"{base}/healthz", seconds=2, concurrency=4)
            ceiling = hammer(
                f"{base}/healthz", seconds=SECONDS, concurrency=CONCURRENCY
            )
            rows += _rows("minimal view (ceiling)", ceiling, ceiling["rps"])

            hammer(track, seconds=2, concurrency=4)  # warm the event cache
            before = Click.objects.filter(event__public_id=public_id).count()
            result = hammer(track, seconds=SECONDS, concurrency=CONCURRENCY)
            inserted = Click.objects.filter(event__public_id=public_id).count() - before
            rows += _rows(
                "GET /track/{public_id}/google (302 + 1 insert)",
                result,
                ceiling["rps"],
                f", {inserted} clicks recorded",
            )

            widget = f"{base}/widget/event/{public_id}?lang=en"
            hammer(widget, seconds=2, concurrency=4)
            result = hammer(widget, seconds=SECONDS, concurrency=CONCURRENCY)
            rows += _rows("GET /widget/event/{public_id}", result, ceiling["rps"])
    finally:
        os.environ.pop("CALENDAR_TRACK_RATE", None)
    return rows
