"""Tickets: a booking storm against gunicorn on PostgreSQL, and a 100,000-ticket export.

Booking storm: 200 signed-in buyers POST /api/tickets for an event with 50 seats,
all released at once from 200 client threads. Export: the attendee list of an event
with 100,000 tickets as CSV and XLSX over HTTP, with the peak memory (VmHWM) of the
gunicorn workers, which stays flat because rows stream in chunks.
"""

import http.client
import json
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import server

BUYERS = int(os.environ.get("BENCH_TICKET_BUYERS", "200"))
SEATS = int(os.environ.get("BENCH_TICKET_SEATS", "50"))
EXPORT_ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))


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
    event = _seed_export_event()
    organizer = _users("bench-organizer-", 1, role="organizer")[0]
    token = _token(organizer)
    rows = []
    with server.running_server() as base:
        rows += booking_storm(base)
        rows += export_rows(base, event, token)
    return rows
