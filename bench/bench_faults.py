"""Fault drill: stop PostgreSQL, then Redis, under load, start them again, and count
what visitors got. `python -m bench faults`.

The app runs under gunicorn with production settings on a PostgreSQL and a Redis of
its own (bench/services.py: temporary directories, free loopback ports), never the
shared ones. A bounded load (BENCH_FAULT_CLIENTS threads, each pausing between
requests) mixes the event list page, GET /api/events and signed-in bookings
(POST /api/tickets). Reported: requests that hung past the client's timeout, 5xx by
kind and status, the seconds from a service's return to answers being right again,
and whether bookings stayed consistent (every 201 is a ticket in the database, and
every ticket there was answered 201).
"""

import http.client
import json
import os
import random
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench import server
from bench.services import PrivatePostgres, PrivateRedis, free_port

CLIENTS = int(os.environ.get("BENCH_FAULT_CLIENTS", "6"))
CLIENT_TIMEOUT = float(os.environ.get("BENCH_FAULT_CLIENT_TIMEOUT", "10"))
# Seconds of load before, during and after each outage.
STEADY = float(os.environ.get("BENCH_FAULT_STEADY", "8"))
OUTAGE = float(os.environ.get("BENCH_FAULT_OUTAGE", "12"))
AFTER = float(os.environ.get("BENCH_FAULT_AFTER", "12"))
PAUSE = 0.05  # between a client's requests: a bounded load, not a flood
EVENTS = 10
USERS = 300


def seed() -> None:
    """Run inside `manage.py shell` against the drill's database: events to book,
    members, and an access token for each (same SECRET_KEY as the server)."""
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.tokens import RefreshToken

    from community.models import User
    from events.models import Event, EventStatus

    now = timezone.now()
    events = [
        Event.objects.create(
            slug=f"fault-drill-{i}",
            title_en=f"Fault drill {i}",
            title_es=f"Simulacro {i}",
            starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=2),
            capacity=100_000,
            status=EventStatus.PUBLISHED,
        )
        for i in range(EVENTS)
    ]
    User.objects.bulk_create(
        User(email=f"drill-{i}@bench.local", name=f"Drill {i}", role="member")
        for i in range(USERS)
    )
    users = User.objects.filter(email__endswith="@bench.local").order_by("email")
    out = {
        "events": [str(e.pk) for e in events],
        "tokens": [str(RefreshToken.for_user(u).access_token) for u in users],
    }
    Path(os.environ["DRILL_SEED_OUT"]).write_text(json.dumps(out))


@dataclass
class Result:
    kind: str
    started: float
    ended: float
    status: int  # 0: no answer (timeout or connection error)
    error: str = ""
    ticket: str = ""

    @property
    def hung(self) -> bool:
        return self.error == "timeout"


class Load:
    """CLIENTS threads sending requests until stopped; every answer recorded."""

    def __init__(self, base: str, seed: dict):
        self.host, self.port = base.removeprefix("http://").split(":")
        self.port = int(self.port)
        self.results: list[Result] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        # Each client books with its own members, so no two clients race for one
        # (member, event) pair: a second booking of a pair answers 200, not 201.
        pairs = [(t, e) for t in seed["tokens"] for e in seed["events"]]
        random.Random(0).shuffle(pairs)
        self.pairs = [pairs[i::CLIENTS] for i in range(CLIENTS)]
        self.threads = [
            threading.Thread(target=self._client, args=(i,)) for i in range(CLIENTS)
        ]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for t in self.threads:
            t.join()

    def _send(self, kind, method, path, body=None, token=None) -> Result:
        headers = {"Accept-Language": "en"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        started = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=CLIENT_TIMEOUT)
        try:
            conn.request(method, path, body=json.dumps(body) if body else None,
                         headers=headers)  # fmt: skip
            response = conn.getresponse()
            data = response.read()
            result = Result(kind, started, time.monotonic(), response.status)
            if kind == "booking" and response.status == 201:
                result.ticket = json.loads(data)["id"]
        except TimeoutError:
            result = Result(kind, started, time.monotonic(), 0, "timeout")
        except (OSError, http.client.HTTPException) as exc:
            result = Result(kind, started, time.monotonic(), 0, type(exc).__name__)
        finally:
            conn.close()
        return result

    def _client(self, index: int) -> None:
        rng = random.Random(index)
        pairs = list(self.pairs[index])
        while not self.stopping.is_set():
            roll = rng.random()
            if roll < 0.4 and pairs:
                token, event = pairs.pop()
                result = self._send(
                    "booking", "POST", "/api/tickets", {"event": event}, token
                )
            elif roll < 0.7:
                result = self._send("page", "GET", "/en/events/")
            else:
                result = self._send("api", "GET", "/api/events")
            with self.lock:
                self.results.append(result)
            time.sleep(PAUSE)

    def window(self, start: float, end: float) -> list[Result]:
        with self.lock:
            return [r for r in self.results if start <= r.started < end]


def _failed(result: Result) -> bool:
    return result.status == 0 or result.status >= 500


def _recovery(load: Load, back: float, until: float) -> float:
    """Seconds from the service's return until answers are right again: the later
    of the first success and the last failure among requests sent after it."""
    after = load.window(back, until)
    successes = [r.ended for r in after if 200 <= r.status < 300]
    failures = [r.ended for r in after if _failed(r)]
    if not successes:
        return float("inf")
    return max([min(successes), *failures]) - back


def _outage(load: Load, name: str, stop, start, seconds: float = OUTAGE) -> dict:
    time.sleep(STEADY)
    down = time.monotonic()
    stop()
    time.sleep(seconds)
    start()
    back = time.monotonic()
    time.sleep(AFTER)
    end = time.monotonic()
    during = load.window(down, back)
    return {
        "name": name,
        "during": during,
        "after": load.window(back, end),
        "seconds": seconds,
        "recovery": _recovery(load, back, end),
        "slowest": max((r.ended - r.started for r in during), default=0.0),
    }


def _bookings_consistent(pg: PrivatePostgres, load: Load) -> tuple[int, int, int]:
    """(201 answers, tickets in the database, mismatches either way)."""
    import psycopg

    answered = {r.ticket for r in load.results if r.ticket}
    with psycopg.connect(pg.url) as conn:
        stored = {
            str(row[0])
            for row in conn.execute(
                "SELECT t.id FROM tickets_ticket t JOIN events_event e "
                "ON e.id = t.event_id WHERE e.slug LIKE 'fault-drill-%%'"
            )
        }
    return len(answered), len(stored), len(answered ^ stored)


def _by_kind(results: list[Result]) -> str:
    counts = Counter(f"{r.kind} {r.status or r.error}" for r in results if _failed(r))
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none"


def run() -> list[dict]:
    pg, redis = PrivatePostgres(), PrivateRedis()
    static = tempfile.TemporaryDirectory(prefix="spanglish-drill-static-")
    seed_out = Path(static.name) / "seed.json"
    try:
        pg.start()
        pg.create_database()
        redis.start()
        environ = {
            "DATABASE_URL": pg.url,
            "CACHE_URL": redis.url,
            "STATIC_ROOT": static.name,
            "DRILL_SEED_OUT": str(seed_out),
        }
        server.manage("migrate", "--no-input", environ=environ)
        server.manage("collectstatic", "--no-input", environ=environ)
        server.manage(
            "shell", "-c", "from bench.bench_faults import seed; seed()",
            environ=environ,
        )  # fmt: skip
        seed = json.loads(seed_out.read_text())
        with (
            server.running_server(port=free_port(), environ=environ) as base,
            Load(base, seed) as load,
        ):
            outages = [
                _outage(load, "PostgreSQL", pg.stop, pg.start),
                # A restart: every pooled connection dies and none is used meanwhile.
                _outage(load, "PostgreSQL restart", pg.stop, pg.start, seconds=0),
                _outage(load, "Redis", redis.stop, redis.start),
            ]
            time.sleep(STEADY)
        answered, stored, mismatched = _bookings_consistent(pg, load)
    finally:
        redis.close()
        pg.close()
        static.cleanup()

    results = load.results
    rows = [
        {"name": "requests sent", "value": len(results), "unit": "",
         "note": f"{CLIENTS} clients, {CLIENT_TIMEOUT:.0f} s client timeout"},
        {"name": "requests hung (no answer within the client timeout)",
         "value": sum(r.hung for r in results), "unit": "", "note": "target 0"},
        {"name": "500 answers", "value": sum(r.status == 500 for r in results),
         "unit": "", "note": "target 0"},
    ]  # fmt: skip
    for o in outages:
        during, after = o["during"], o["after"]
        rows += [
            {"name": f"{o['name']} down: requests", "value": len(during), "unit": "",
             "note": f"{o['seconds']:.0f} s down (plus the stop and start)"},
            {"name": f"{o['name']} down: answered 2xx", "unit": "",
             "value": sum(200 <= r.status < 300 for r in during), "note": ""},
            {"name": f"{o['name']} down: 5xx or no answer", "unit": "",
             "value": sum(_failed(r) for r in during), "note": _by_kind(during)},
            {"name": f"{o['name']} down: slowest answer", "unit": "s",
             "value": o["slowest"], "note": "target ≤ 2 s + load"},
            {"name": f"{o['name']} back: seconds to recover", "unit": "s",
             "value": o["recovery"], "note": "target < 2 s"},
            {"name": f"{o['name']} back: 5xx or no answer afterwards", "unit": "",
             "value": sum(_failed(r) for r in after), "note": _by_kind(after)},
        ]  # fmt: skip
    rows.append(
        {
            "name": "bookings consistent (every 201 a ticket, nothing else)",
            "value": "yes" if mismatched == 0 else f"no: {mismatched} differ",
            "unit": "",
            "note": f"{answered} answered 201, {stored} tickets stored",
        }
    )
    return rows
