"""Two admins removing each other at the same instant must leave one admin.

Each thread holds its own database connection and the threads are released together
by a barrier; the tests commit for real (transaction=True), since Django's usual test
transaction would hide locking bugs. They run on PostgreSQL only (in CI): SQLite
serialises writers, so there they could not notice a missing row lock.
"""

import threading

import pytest
from django.db import connection, connections

from community import privacy, services
from community.models import Role, User
from community.tests.factories import UserFactory
from spanglish.errors import ConflictError

ROUNDS = 5  # a race lost once can be luck; every round must keep an admin


def _demote(*, target, actor):
    services.user_set_role(user=target, role=Role.MEMBER, actor=actor)


def _deactivate(*, target, actor):
    services.user_set_active(user=target, active=False, actor=actor)


def _erase(*, target, actor):
    privacy.user_erase(user=target, actor=actor)


def _erase_self(*, target, actor):
    privacy.user_erase(user=actor, actor=actor)  # the actor deletes their account


def _race(first, second) -> tuple[list, list]:
    """Two fresh admins, the only active ones: `first` runs as A against B and
    `second` as B against A, at once."""
    User.objects.filter(role=Role.ADMIN).update(role=Role.MEMBER)
    a, b = UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN)
    barrier = threading.Barrier(2)
    done, refused, errors = [], [], []
    lock = threading.Lock()

    def run(action, target, actor):
        try:
            barrier.wait(timeout=30)
            action(target=target, actor=actor)
            with lock:
                done.append(actor.pk)
        except ConflictError as exc:
            with lock:
                refused.append(exc.code)
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(first, b, a)),
        threading.Thread(target=run, args=(second, a, b)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return done, refused


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "first,second",
    [
        (_demote, _demote),
        (_deactivate, _deactivate),
        (_demote, _erase),
        (_erase_self, _erase_self),
    ],
    ids=["demote-demote", "deactivate-deactivate", "demote-erase", "both-leave"],
)
def test_two_admins_removing_each_other_at_once_leave_one_admin(first, second):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    for _ in range(ROUNDS):
        done, refused = _race(first, second)
        assert len(done) == 1 and refused == ["last_admin"]
        assert User.objects.filter(role=Role.ADMIN, is_active=True).count() == 1
