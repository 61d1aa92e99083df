"""The replica router: reads to the replica, writes and read-after-write to the primary."""

import pytest
from django.db import connections, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from events.models import Event
from events.tests.factories import EventFactory
from spanglish import routers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(settings):
    """A "replica" alias that mirrors the test database through its own connection."""
    default = connections["default"].settings_dict
    options = {k: v for k, v in default.get("OPTIONS", {}).items() if k != "pool"}
    mirror = {**default, "OPTIONS": options, "TEST": {"MIRROR": "default"}}
    connections["replica"] = load_backend(mirror["ENGINE"]).DatabaseWrapper(
        mirror, "replica"
    )
    settings.DATABASE_ROUTERS = ["spanglish.routers.PrimaryReplicaRouter"]
    token = routers.begin()
    yield connections["replica"]
    routers.end(token)
    connections["replica"].close()
    del connections["replica"]


def test_reads_go_to_the_replica_until_something_is_written(replica):
    assert Event.objects.all().db == "replica"

    event = EventFactory()

    assert Event.objects.all().db == "default"
    assert Event.objects.get(pk=event.pk) == event


def test_reads_inside_a_transaction_use_the_primary(replica):
    token = routers.begin()
    try:
        with transaction.atomic():
            assert Event.objects.all().db == "default"
        assert Event.objects.all().db == "replica"
    finally:
        routers.end(token)


def test_writes_always_go_to_the_primary(replica):
    with CaptureQueriesContext(replica) as on_replica:
        EventFactory(slug="written")
    assert not any("INSERT" in q["sql"] for q in on_replica.captured_queries)
    assert Event.objects.using("default").filter(slug="written").exists()


def test_page_reads_hit_the_replica_and_a_write_pins_the_primary(replica, client):
    event = EventFactory(slug="on-both")
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(f"/en/events/{event.slug}/")
    assert response.status_code == 200
    assert on_replica.captured_queries  # served from the replica (same data here)
    assert "spanglish_primary" not in response.cookies

    response = client.post(
        "/api/auth/register",
        data={
            "email": "new@example.com",
            "password": "a-long-unusual-passphrase",
            "name": "New",
        },
        content_type="application/json",
    )
    assert response.status_code in (201, 202)
    # The request wrote, so the next requests read the primary for a few seconds.
    assert response.cookies["spanglish_primary"].value == "1"
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(f"/en/events/{event.slug}/").status_code == 200
    assert not on_replica.captured_queries


def test_migrations_never_run_on_the_replica():
    router = routers.PrimaryReplicaRouter()
    assert router.allow_migrate("default", "events") is True
    assert router.allow_migrate("replica", "events") is False


def test_the_task_queue_is_read_and_claimed_on_the_primary(replica):
    """db_worker claims a task with select_for_update in a transaction on the alias its
    queryset reads from: that must be the primary (on the replica it crashed)."""
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    tasks = DBTaskResult.objects.ready()
    assert tasks.db == "default"
    with exclusive_transaction(tasks.db):
        assert tasks.get_locked() is None
