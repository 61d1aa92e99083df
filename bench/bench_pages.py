"""Public pages and API under load, each compared with a minimal view (the ceiling).

GETs are driven by wrk; the two writes (ticket booking, check-in by code) by Python
client processes (bench.load.hammer_each), each request with its own signed-in
member or ticket code, for a fixed time. Their ratio is taken against the minimal
view driven by the same Python clients, so the client's own cost cancels out.
"""

import json
import os
import urllib.request

from bench import server
from bench.load import hammer, hammer_each

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
WARMUP = int(os.environ.get("BENCH_WARMUP_SECONDS", "2"))
PASSWORD = "bench-password-1"  # noqa: S105 - loopback benchmark accounts only
# Enough distinct members and ticket codes that no client runs out before the
# deadline: well above what two cores can book or check in per second.
POOL = int(os.environ.get("BENCH_WRITE_POOL", str(max(1500, SECONDS * 250))))
# 1: only the GET pages and their ceiling (quick before/after of the page cache).
READS_ONLY = os.environ.get("BENCH_PAGES_READS_ONLY", "") == "1"
# Any cookie beyond the CSRF and language ones makes a page personal
# (events/page_cache.py): what a signed-in member or a booker costs.
PERSONAL = {"Cookie": "bench-personal=1"}


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


def _accounts(prefix: str, n: int, role: str) -> list:
    """`n` accounts that sign in with PASSWORD (one hash shared: hashing thousands
    of passwords with Argon2 would take minutes and measure nothing)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from community.models import User

    emails = [f"{prefix}{i}@bench.local" for i in range(n)]
    have = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    hashed = make_password(PASSWORD)
    User.objects.bulk_create(
        [
            # Verified: password sign-in waits for a proven address (issue 13).
            User(
                email=e,
                name=e.split("@")[0],
                role=role,
                password=hashed,
                email_verified_at=timezone.now(),
            )
            for e in emails
            if e not in have
        ],
        batch_size=1000,
    )
    return list(User.objects.filter(email__in=emails).order_by("email"))


def _login(base: str, email: str) -> str:
    """A JWT access token from the real login endpoint."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        base + "/api/auth/login",
        data=json.dumps({"email": email, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())["access"]


def _event(slug: str, capacity: int):
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event, EventStatus

    now = timezone.now()
    suffix = Event.objects.filter(slug__startswith=slug).count()
    return Event.objects.create(
        slug=f"{slug}-{suffix}",
        title_en=f"Bench {slug}",
        title_es=f"Bench {slug}",
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=2),
        capacity=capacity,
        status=EventStatus.PUBLISHED,
    )


def _rows(label: str, result: dict, ceiling: float, extra: str = "") -> list[dict]:
    ratio = result["rps"] / ceiling if ceiling else 0
    note = (
        f"{result['requests']} requests, {result['errors']} errors, "
        f"{ratio:.0%} of ceiling{extra}"
    )
    if result.get("unexpected"):
        note += f"; first unexpected answer: {result['unexpected'][:120]!r}"
    return [
        {
            "name": f"{label}: requests/s",
            "value": round(result["rps"], 1),
            "unit": "req/s",
            "note": note,
        },
        {"name": f"{label}: p50", "value": round(result["p50_ms"], 2), "unit": "ms"},
        {"name": f"{label}: p99", "value": round(result["p99_ms"], 2), "unit": "ms"},
        {"name": f"{label}: errors", "value": result["errors"], "unit": "requests"},
    ]


def _get(base: str, path: str, **kwargs) -> dict:
    """wrk when installed (2 threads, CONCURRENCY connections), after a warm-up."""
    hammer(base + path, seconds=WARMUP, concurrency=4, **kwargs)  # warm caches
    return hammer(base + path, seconds=SECONDS, concurrency=CONCURRENCY, **kwargs)


def booking(base: str, python_ceiling: float) -> list[dict]:
    """POST /api/tickets, each request a different signed-in member, one free event
    with room for all: every answer should be 201 with a new ticket."""
    from tickets.models import Ticket

    members = _accounts("bench-member-", POOL, "member")
    _login(base, members[0].email)  # the accounts really sign in
    from rest_framework_simplejwt.tokens import AccessToken

    event = _event("bench-booking", POOL + 10)
    items = [
        (
            {"Authorization": f"Bearer {AccessToken.for_user(m)}"},
            {"event": str(event.pk)},
        )
        for m in members
    ]
    result = hammer_each(
        base + "/api/tickets",
        items,
        seconds=SECONDS,
        concurrency=CONCURRENCY,
        expect_status=201,
    )
    booked = Ticket.objects.filter(event=event).count()
    extra = f"; {booked} tickets in the database"
    if result["exhausted"]:
        extra += f"; {result['exhausted']} clients ran out of members"
    return _rows("POST /api/tickets (booking)", result, python_ceiling, extra)


def checkin(base: str, python_ceiling: float) -> list[dict]:
    """POST /api/tickets/checkin as a volunteer: first every code once, then the
    codes already checked in again ("already checked in", also 200)."""
    from tickets.models import PaymentMethod, Ticket, TicketStatus

    volunteer = _accounts("bench-volunteer-", 1, "volunteer")[0]
    auth = {"Authorization": f"Bearer {_login(base, volunteer.email)}"}
    event = _event("bench-checkin", POOL + 10)
    Ticket.objects.bulk_create(
        [
            Ticket(
                event=event,
                status=TicketStatus.CONFIRMED,
                payment_method=PaymentMethod.FREE,
                attendee_name=f"Guest {i}",
                attendee_email=f"guest{i}@bench.local",
            )
            for i in range(POOL)
        ],
        batch_size=1000,
    )
    codes = list(Ticket.objects.filter(event=event).values_list("code", flat=True))
    first = hammer_each(
        base + "/api/tickets/checkin",
        [(auth, {"code": code, "event": str(event.pk)}) for code in codes],
        seconds=SECONDS,
        concurrency=CONCURRENCY,
        expect_body=b'"outcome":"checked_in"',
    )
    done = list(
        Ticket.objects.filter(event=event, status=TicketStatus.CHECKED_IN).values_list(
            "code", flat=True
        )
    )
    again = hammer_each(
        base + "/api/tickets/checkin",
        [(auth, {"code": code, "event": str(event.pk)}) for code in done],
        seconds=SECONDS,
        concurrency=CONCURRENCY,
        cycle=True,
        expect_body=b'"outcome":"already_checked_in"',
    )
    return _rows(
        "POST /api/tickets/checkin (first scan)",
        first,
        python_ceiling,
        f"; {len(done)} tickets checked in",
    ) + _rows(
        "POST /api/tickets/checkin (repeated code)",
        again,
        python_ceiling,
        f"; {len(done)} codes scanned again",
    )


def run() -> list[dict]:
    slug = seed()
    from events.models import Event

    event_id = Event.objects.get(slug=slug).pk
    targets = [
        ("home page", "/en/"),
        ("event list", "/en/events/"),
        ("event detail", f"/en/events/{slug}/"),
        ("event detail, rendered per visitor", f"/en/events/{slug}/", PERSONAL),
        ("GET /api/events", "/api/events"),
        ("GET /api/events/{id}", f"/api/events/{event_id}"),
    ]
    rows = []
    with server.running_server() as base:
        result = _get(base, "/healthz")
        ceiling = result["rps"]
        rows += _rows("minimal view (ceiling)", result, ceiling)
        for label, path, *headers in targets:
            result = _get(base, path, headers=headers[0] if headers else None)
            rows += _rows(label, result, ceiling)
        if READS_ONLY:
            return rows
        python = _get(base, "/healthz", python=True)
        rows += _rows(
            "minimal view, Python clients (ceiling for writes)", python, python["rps"]
        )
        rows += booking(base, python["rps"])
        rows += checkin(base, python["rps"])
    return rows
