"""Tickets: bookings on one event beside the raw write ceiling, a booking storm, and
a 100,000-ticket export, against gunicorn on PostgreSQL with production settings.

Bookings: POST /api/tickets on an event with room for all, every request a
different signed-in member (JWT), from 16 connections for BENCH_SECONDS — driven
by wrk (2 threads), then by Python client processes — each beside the write
ceiling (bench/ceiling.py: a bare Django view that locks a row, counts rows and
inserts one) driven by the same client in the same server run, in
BENCH_BOOKING_ROUNDS alternating rounds (ceiling, then bookings on a new event).
The targets are ratios to that ceiling, round by round, so the load of the box
cancels out: bookings/s ≥ 27 % of the ceiling's, p99 ≤ 3 × the ceiling's p99 (wrk
figures, median round). Every request comes from 127.0.0.1: the rate limits are
lifted (bench/env.py). Booking storm: 200 signed-in buyers for an event with 50
seats, all released at once from 200 client threads: exactly 50 sold. Export: the
attendee list of an event with 100,000 tickets as CSV and XLSX over HTTP, with the
peak memory (VmHWM) of the gunicorn workers, which stays flat because rows stream
in chunks (BENCH_EXPORT_ROWS=0 skips it).
"""

import http.client
import json
import os
import shutil
import threading
import time
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit

from bench import server
from bench.load import hammer, hammer_each, wrk_each

BUYERS = int(os.environ.get("BENCH_TICKET_BUYERS", "200"))
SEATS = int(os.environ.get("BENCH_TICKET_SEATS", "50"))
EXPORT_ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
WARMUP = int(os.environ.get("BENCH_WARMUP_SECONDS", "2"))
# Distinct members, one booking each: more than two cores can book in the run and
# its warm-up (a member booking again gets their ticket back, 200, not a new one).
MEMBERS = int(
    os.environ.get("BENCH_BOOKING_MEMBERS", str(max(6000, (SECONDS + WARMUP) * 500)))
)
# Rounds of (ceiling, bookings), alternating: ratios are taken round by round.
ROUNDS = int(os.environ.get("BENCH_BOOKING_ROUNDS", "3"))
RPS_TARGET = 0.27  # × the ceiling's requests/s
P99_TARGET = 3.0  # × the ceiling's p99


def _event(slug: str, capacity: int):
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event, EventStatus

    now = timezone.now()
    suffix = 0
    while Event.objects.filter(slug=f"{slug}-{suffix}").exists():
        suffix += 1
    return Event.objects.create(
        slug=f"{slug}-{suffix}",
        title_en=f"Bench {slug}",
        title_es=f"Bench {slug}",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=2),
        capacity=capacity,
        status=EventStatus.PUBLISHED,
    )


def _users(prefix: str, n: int, role: str = "member"):
    from community.models import User

    emails = [f"{prefix}{i}@bench.local" for i in range(n)]
    existing = set(
        User.objects.filter(email__in=emails).values_list("email", flat=True)
    )
    User.objects.bulk_create(
        [
            User(email=e, name=e.split("@")[0], role=role)
            for e in emails
            if e not in existing
        ]
    )
    return list(User.objects.filter(email__in=emails))


def _token(user) -> str:
    from rest_framework_simplejwt.tokens import RefreshToken

    return str(RefreshToken.for_user(user).access_token)


def _post_all_at_once(base: str, path: str, bodies_and_tokens) -> tuple[list, float]:
    parts = urlsplit(base)
    barrier = threading.Barrier(len(bodies_and_tokens) + 1)
    results: list = [None] * len(bodies_and_tokens)

    def send(i, body, token):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        conn.connect()
        barrier.wait()
        try:
            conn.request(
                "POST",
                path,
                body=json.dumps(body),
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {token}",
                },
            )
            response = conn.getresponse()
            results[i] = (response.status, response.read())
        except (OSError, http.client.HTTPException) as exc:
            results[i] = (0, str(exc).encode())
        finally:
            conn.close()

    threads = [
        threading.Thread(target=send, args=(i, body, token))
        for i, (body, token) in enumerate(bodies_and_tokens)
    ]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


def booking_storm(base: str) -> list[dict]:
    from tickets.models import Ticket

    event = _event("bench-storm", SEATS)
    buyers = _users("storm-buyer-", BUYERS)
    work = [({"event": str(event.pk)}, _token(u)) for u in buyers]
    results, elapsed = _post_all_at_once(base, "/api/tickets", work)
    sold = sum(1 for status, _ in results if status == 201)
    refused = sum(
        1 for status, body in results if status == 409 and b'"sold_out"' in body
    )
    errors = len(results) - sold - refused
    held = Ticket.objects.filter(event=event).holding_seats().count()
    note = f"{BUYERS} requests for {SEATS} seats; {held} seats held in the database"
    return [
        {
            "name": "booking storm: seats sold",
            "value": sold,
            "unit": "tickets",
            "note": note,
        },
        {
            "name": "booking storm: sold-out refusals (409)",
            "value": refused,
            "unit": "requests",
        },
        {"name": "booking storm: errors", "value": errors, "unit": "requests"},
        {
            "name": "booking storm: throughput",
            "value": round(len(results) / elapsed, 1),
            "unit": "req/s",
            "note": f"all {BUYERS} answered in {elapsed:.2f} s",
        },
    ]


def _split(items: list, warm: int) -> tuple[list, list]:
    return items[:warm], items[warm:]


def _median_of(results: list[dict]) -> dict:
    """The rounds of one load as one result: the median round's rate and latencies
    (each figure's median), requests and errors summed."""
    return {
        "requests": sum(r["requests"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "rps": median(r["rps"] for r in results),
        "p50_ms": median(r["p50_ms"] for r in results),
        "p99_ms": median(r["p99_ms"] for r in results),
        "sample": next(
            (r.get("sample") or r.get("unexpected") for r in results if r["errors"]),
            "",
        ),
    }


def _result_rows(
    label: str, results: list[dict], ceilings: list[dict] | None, note: str = ""
) -> list[dict]:
    result = _median_of(results)
    notes = [f"{result['requests']:,} requests, {result['errors']} errors"]
    rows = [
        {"name": f"{label}: requests/s", "value": round(result["rps"], 1)},
        {"name": f"{label}: p50", "value": round(result["p50_ms"], 2), "unit": "ms"},
        {"name": f"{label}: p99", "value": round(result["p99_ms"], 2), "unit": "ms"},
    ]
    if ceilings:
        # Each round beside the ceiling measured just before it: the box's load
        # drifts from minute to minute, so ratios are taken round by round.
        rps = [r["rps"] / c["rps"] for r, c in zip(results, ceilings, strict=True)]
        p99 = [
            r["p99_ms"] / c["p99_ms"] for r, c in zip(results, ceilings, strict=True)
        ]
        notes.append(f"{median(rps):.0%} of the ceiling")
        rows += [
            {
                "name": f"{label}: throughput ÷ ceiling",
                "value": round(median(rps), 3),
                "unit": "×",
                "note": "rounds: " + ", ".join(f"{x:.3f}" for x in rps),
            },
            {
                "name": f"{label}: p99 ÷ ceiling p99",
                "value": round(median(p99), 3),
                "unit": "×",
                "note": "rounds: " + ", ".join(f"{x:.2f}" for x in p99),
            },
        ]
    if note:
        notes.append(note)
    notes.append("rounds: " + ", ".join(f"{r['rps']:,.0f}" for r in results) + " req/s")
    if result["errors"] and result["sample"]:
        notes.append(f"first unexpected answer: {str(result['sample'])[:100]!r}")
    rows[0].update(unit="req/s", note="; ".join(notes))
    return rows


def bookings(base: str) -> list[dict]:
    """New tickets on one event, each request a different signed-in member, beside
    the write ceiling: ROUNDS rounds of (ceiling, bookings on a new event) with
    wrk, then the same with Python clients, all in one server run."""
    from rest_framework_simplejwt.tokens import AccessToken

    from bench.ceiling import create_tables
    from tickets.models import Ticket

    members = _users("bench-booker-", MEMBERS)
    # Minted just before the runs (access tokens last JWT_ACCESS_MINUTES).
    auths = [f"Bearer {AccessToken.for_user(m)}" for m in members]
    ceiling_url = base + "/bench/write-ceiling"
    booking_url = base + "/api/tickets"
    created = '"status":"confirmed"'
    load = {"seconds": SECONDS, "concurrency": CONCURRENCY}
    booking = {"expect_status": 201, "expect_body": created}

    # wrk. Round 1 warms up first (the ceiling; bookings with a sixth of the
    # members); every round books on an event of its own, so members book anew.
    ceiling_items = [("", "")] * 2
    wrk_ceilings, wrk_booked, wrk_events = [], [], []
    for round_ in range(ROUNDS):
        if WARMUP and not round_:
            wrk_each(
                ceiling_url, ceiling_items, seconds=WARMUP, concurrency=CONCURRENCY
            )
        # Each round's ceiling counts from an empty table, as each round's bookings
        # count on a new event: left to grow, its count(*) slowed the ceiling by a
        # tenth a round (519, 478, 452 req/s) and flattered the later rounds.
        create_tables()
        wrk_ceilings.append(wrk_each(ceiling_url, ceiling_items, **load))
        event = _event("bench-bookings-wrk", MEMBERS + 10)
        wrk_events.append(event)
        body = json.dumps({"event": str(event.pk)})
        warm, measured = _split([(a, body) for a in auths], len(auths) // 6)
        if WARMUP and not round_:
            wrk_each(
                booking_url, warm, seconds=WARMUP, concurrency=CONCURRENCY, **booking
            )
        wrk_booked.append(wrk_each(booking_url, measured, **load, **booking))
    wrk_tickets = Ticket.objects.filter(event__in=wrk_events).count()

    # Python clients: the same alternation.
    python_ceilings, python_booked, python_events = [], [], []
    for _round in range(ROUNDS):
        create_tables()  # as above
        python_ceilings.append(hammer(ceiling_url, method="POST", **load))
        event = _event("bench-bookings-python", MEMBERS + 10)
        python_events.append(event)
        result = hammer_each(
            booking_url,
            [({"Authorization": a}, {"event": str(event.pk)}) for a in auths],
            **load,
            expect_status=201,
        )
        if result["exhausted"]:
            raise RuntimeError("the Python clients ran out of members: raise MEMBERS")
        python_booked.append(result)
    python_tickets = Ticket.objects.filter(event__in=python_events).count()
    python_201 = sum(r["statuses"].get(201, 0) for r in python_booked)

    rps = median(
        b["rps"] / c["rps"] for b, c in zip(wrk_booked, wrk_ceilings, strict=True)
    )
    p99 = median(
        b["p99_ms"] / c["p99_ms"] for b, c in zip(wrk_booked, wrk_ceilings, strict=True)
    )
    met = (
        rps >= RPS_TARGET and p99 <= P99_TARGET and not _median_of(wrk_booked)["errors"]
    )
    rounds = f"median of {ROUNDS} alternating rounds of {SECONDS} s"
    return [
        *_result_rows(
            "wrk: write ceiling (lock a row, count, insert)", wrk_ceilings, None, rounds
        ),
        *_result_rows(
            "wrk: POST /api/tickets (new ticket, one event)",
            wrk_booked,
            wrk_ceilings,
            f"{rounds}; {wrk_tickets:,} tickets on the round's events (warm-up "
            "included)",
        ),
        {
            "name": "wrk: bookings target met",
            "value": "yes" if met else "no",
            "unit": "",
            "note": f"bookings/s ≥ {RPS_TARGET:.0%} of the ceiling's, p99 ≤ "
            f"{P99_TARGET:g} × the ceiling's, no errors",
        },
        *_result_rows(
            "Python clients: write ceiling (lock a row, count, insert)",
            python_ceilings,
            None,
            rounds,
        ),
        *_result_rows(
            "Python clients: POST /api/tickets (new ticket, one event)",
            python_booked,
            python_ceilings,
            f"{rounds}; {python_201:,} answered 201, {python_tickets:,} tickets stored",
        ),
    ]


def _seed_export_event():
    from django.db.models import Count

    from events.models import Event
    from tickets.models import PaymentMethod, Ticket, TicketStatus

    # Seeded once and kept: a new 100,000 tickets on every run would only grow the
    # database (and slow every other measure down).
    existing = (
        Event.objects.filter(slug__startswith="bench-export-")
        .annotate(n=Count("tickets"))
        .filter(n=EXPORT_ROWS)
        .first()
    )
    if existing is not None:
        return existing
    event = _event("bench-export", EXPORT_ROWS)
    batch = 5000
    statuses = [TicketStatus.CONFIRMED] * 8 + [
        TicketStatus.CANCELLED,
        TicketStatus.CHECKED_IN,
    ]
    from django.utils import timezone

    now = timezone.now()
    for start in range(0, EXPORT_ROWS, batch):
        rows = []
        for i in range(start, min(start + batch, EXPORT_ROWS)):
            status = statuses[i % len(statuses)]
            rows.append(
                Ticket(
                    event=event,
                    user=None,
                    status=status,
                    attendee_name=(
                        "=cmd|' /C calc'!A0" if i % 1000 == 0 else f"Attendee {i}"
                    ),
                    attendee_email=f"attendee{i}@bench.local",
                    payment_method=PaymentMethod.FREE,
                    checkin_at=now if status == TicketStatus.CHECKED_IN else None,
                )
            )
        Ticket.objects.bulk_create(rows, batch_size=batch)
    return event


def _gunicorn_peak_kib(port: int) -> int:
    """Largest VmHWM (peak resident memory) among the gunicorn processes on `port`."""
    peak = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            if b"gunicorn" not in cmdline:
                continue
            # bench.server passes the address in the environment, not the command line.
            environ = (proc / "environ").read_bytes().split(b"\0")
            if f"GUNICORN_BIND=127.0.0.1:{port}".encode() not in environ:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak


def _download(base: str, path: str, token: str) -> tuple[int, int, float]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    size = 0
    while chunk := response.read(256 * 1024):
        size += len(chunk)
    conn.close()
    return response.status, size, time.perf_counter() - started


def export_rows(base: str, event, token: str) -> list[dict]:
    from bench import env

    rows = []
    before = _gunicorn_peak_kib(env.BENCH_PORT)
    for fmt in ("csv", "xlsx"):
        status, size, seconds = _download(
            base, f"/api/events/{event.pk}/attendees.{fmt}", token
        )
        peak = _gunicorn_peak_kib(env.BENCH_PORT)
        rows += [
            {
                "name": f"export {EXPORT_ROWS:,} tickets as {fmt.upper()}: time",
                "value": round(seconds, 2),
                "unit": "s",
                "note": f"HTTP {status}, {size / 1e6:.1f} MB",
            },
            {
                "name": f"export {EXPORT_ROWS:,} tickets as {fmt.upper()}: worker peak memory",
                "value": round(peak / 1024, 1),
                "unit": "MiB",
                "note": f"VmHWM of the gunicorn workers; {before / 1024:.1f} MiB before the exports",
            },
        ]
    return rows


def run() -> list[dict]:
    if not shutil.which("wrk"):
        raise RuntimeError(
            "the tickets benchmark needs wrk: `make wrk` (as root) or apt-get install wrk"
        )
    from bench.ceiling import create_tables

    create_tables()
    event = _seed_export_event() if EXPORT_ROWS else None
    organizer = _users("bench-organizer-", 1, role="organizer")[0]
    token = _token(organizer)
    rows = []
    # The ceiling's settings serve the site unchanged beside the bare view.
    with server.running_server(
        environ={"DJANGO_SETTINGS_MODULE": "bench.ceiling_settings"}
    ) as base:
        rows += bookings(base)
        rows += booking_storm(base)
        if event is not None:
            rows += export_rows(base, event, token)
    return rows
