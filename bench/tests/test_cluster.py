"""Two app hosts behind nginx, for real (bench/cluster.py): one PostgreSQL, one Redis,
two task workers and the scheduler. Deselected by default (bench/ is not in pytest's
testpaths; marker `cluster`); run with

    make cluster-test   # = .venv/bin/pytest -p no:xdist -m cluster bench/tests/test_cluster.py

on the database spanglish_cluster of the PostgreSQL at 127.0.0.1:5432 (dropped and
created afresh; CLUSTER_DATABASE_URL overrides). 3–4 minutes on a loaded 2-core box:
~2 to start everything, and up to 2 more in the failover test when the kill strands
an Idempotency-Key claim (docs/scaling.md: STALE_AFTER).
Needs Debian's nginx, PostgreSQL on 127.0.0.1:5432 and redis-server. The tests share
one cluster and run in file order: the failover test kills host A for good."""

import json
import time
from collections import Counter

import pytest

from bench.cluster import Cluster, nginx_binary, request, storm

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(
        nginx_binary() is None, reason="needs nginx (apt-get install nginx)"
    ),
]

STORM_MEMBERS = slice(0, 60)  # 60 members for 25 seats
FAILOVER_MEMBERS = slice(60, 220)  # 160 members for 120 seats, host A killed midway


@pytest.fixture(scope="module")
def cluster():
    with Cluster(hosts=2, workers=2, scheduler=True) as running:
        yield running


def test_both_hosts_serve_through_nginx(cluster):
    for i in range(2):
        assert request(cluster.host_url(i), "GET", "/healthz").status == 200
    answers = [request(cluster.url, "GET", "/api/events") for _ in range(4)]
    assert all(a.status == 200 for a in answers)
    assert "DEBUG" not in json.dumps(answers[0].body)


def test_event_published_on_host_a_shows_at_once_on_host_b(cluster):
    a, b = cluster.host_url(0), cluster.host_url(1)
    draft = cluster.seed["events"]["draft"]
    # Host B has the public list cached, without the draft.
    before_api = request(b, "GET", "/api/events")
    before_page = request(b, "GET", "/en/events/")
    assert before_api.status == 200 and before_page.status == 200
    assert draft not in json.dumps(before_api.body)
    assert "Cluster cluster-draft" not in before_page.body

    published = request(
        a, "PATCH", f"/api/events/{draft}", body={"status": "published"},
        token=cluster.seed["organizer"],
    )  # fmt: skip
    assert published.status == 200, published.body

    # No waiting: Redis holds the cache version both hosts read.
    after_api = request(b, "GET", "/api/events")
    after_page = request(b, "GET", "/en/events/")
    assert draft in json.dumps(after_api.body)
    assert "Cluster cluster-draft" in after_page.body
    detail = request(b, "GET", f"/api/events/{draft}")
    assert detail.status == 200 and detail.body["status"] == "published"


def _check_bookings(cluster, results, event_id, capacity):
    tickets = cluster.tickets(event_id)
    assert all(n == 1 for n in tickets.values()), "a member holds two tickets"
    assert sum(tickets.values()) == capacity, "oversold or a seat lost"
    for booking in results:
        held = tickets.get(booking.email, 0)
        if booking.booked:
            assert held == 1, booking
        elif booking.sold_out:
            assert held == 0, booking
        else:
            # No definite answer before the deadline: only a client that lost an
            # answer (the host died under it) may be left not knowing.
            assert booking.lost_answers > 0, booking
    return tickets


def test_booking_storm_across_both_hosts_sells_exactly_the_capacity(cluster):
    members = cluster.seed["members"][STORM_MEMBERS]
    event = cluster.seed["events"]["storm"]
    results = storm(cluster.url, members, event, clients=8)
    assert len(results) == len(members)
    statuses = Counter(b.final.status if b.final else 0 for b in results)
    assert statuses[201] == 25, statuses
    assert sum(b.sold_out for b in results) == len(members) - 25, statuses
    _check_bookings(cluster, results, event, 25)


def test_host_killed_mid_storm_fails_over_without_losing_or_doubling(cluster):
    members = cluster.seed["members"][FAILOVER_MEMBERS]
    event = cluster.seed["events"]["failover"]
    killed = {}

    def kill_host_a(done):
        while done() < 20:
            time.sleep(0.05)
        cluster.kill_host(0)
        killed["after"] = done()

    results = storm(cluster.url, members, event, clients=8, during=kill_host_a)
    assert killed, "host A was never killed"
    assert len(results) == len(members)
    assert all(b.final is not None for b in results), "a client never got an answer"
    tickets = _check_bookings(cluster, results, event, 120)
    assert sum(b.booked for b in results) == sum(tickets.values())
    # Host B alone still serves everything through nginx.
    assert all(
        request(cluster.url, "GET", "/api/events").status == 200 for _ in range(5)
    )


def test_two_workers_never_send_one_email_twice(cluster):
    cluster.wait_tasks_done()
    logs = cluster.sql("SELECT id, to_email, status FROM emails_emaillog")
    assert logs, "bookings queued no email"
    assert {status for _id, _to, status in logs} == {"sent"}
    expected = Counter(to for _id, to, _status in logs)
    assert cluster.mail_per_recipient() == dict(expected)

    # Every email queued a second time (a retried enqueue, a replayed task): both
    # workers race for the copies and the claim lets none be sent again.
    ids = ",".join(str(i) for i, _to, _status in logs)
    cluster.manage(
        "shell", "-c",
        f"from emails.tasks import email_deliver\nfor i in [{ids}]: email_deliver.enqueue(i)",
    )  # fmt: skip
    cluster.wait_tasks_done()
    assert cluster.mail_per_recipient() == dict(expected)
