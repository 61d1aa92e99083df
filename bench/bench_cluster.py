"""Two app hosts behind nginx on one machine (bench/cluster.py): what a second host
costs or buys, and whether the cluster stays correct. `python -m bench cluster`.

Throughput (wrk, GET) straight to host A, through nginx to host A alone, and through
nginx to both hosts; then a booking storm through nginx across both hosts (members
booking one event; bookings answered per second, and whether exactly the capacity was
sold). Both hosts, nginx, PostgreSQL, Redis, the task workers and the load generator
share the same cores, so a second host adds processes, not capacity, here."""

import os
import time

from bench.cluster import Cluster, storm, throughput

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONCURRENCY", "16"))
PATHS = ["/en/events/", "/api/events"]


def run() -> list[dict]:
    rows: list[dict] = []
    with Cluster(hosts=2, workers=2, scheduler=True) as cluster:
        one_host = cluster.nginx_for([0])
        setups = [
            ("host A direct", cluster.host_url(0)),
            ("nginx → host A", one_host),
            ("nginx → hosts A+B", cluster.url),
        ]
        for path in PATHS:
            for label, base in setups:
                rate = throughput(base, path, seconds=SECONDS, connections=CONNECTIONS)
                rows.append(
                    {"name": f"GET {path}, {label}", "value": rate, "unit": "req/s",
                     "note": f"wrk, {CONNECTIONS} connections"}
                )  # fmt: skip
        members = cluster.seed["members"][:60]
        event = cluster.seed["events"]["storm"]
        started = time.perf_counter()
        results = storm(cluster.url, members, event, clients=8)
        elapsed = time.perf_counter() - started
        tickets = cluster.tickets(event)
        rows += [
            {"name": "booking storm via nginx → A+B: answers", "value": len(results) / elapsed,
             "unit": "bookings/s", "note": f"{len(members)} members, 25 seats, 8 clients"},
            {"name": "booking storm: seats sold (capacity 25)",
             "value": sum(tickets.values()), "unit": "",
             "note": "nobody holds two" if all(n == 1 for n in tickets.values())
             else "A MEMBER HOLDS TWO"},
        ]  # fmt: skip
    return rows
