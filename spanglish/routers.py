"""Primary/replica database router (active when DATABASE_REPLICA_URL is set).

Reads go to "replica" except when they must see this request's own writes:
- after the current request (or task, or command) has written anything,
- inside a transaction on the primary (atomic blocks, select_for_update),
- for a short time after a write, through ReplicaPinMiddleware's cookie.
Writes and migrations always go to "default".
"""

from contextvars import ContextVar, Token

from django.db import connections

_written: ContextVar[bool] = ContextVar("spanglish_db_written", default=False)


def begin(*, pinned: bool = False) -> Token:
    """Start a unit of work (a request); `pinned` sends all its reads to the primary."""
    return _written.set(pinned)


def end(token: Token) -> None:
    _written.reset(token)


def has_written() -> bool:
    return _written.get()


class PrimaryReplicaRouter:
    primary = "default"
    replica = "replica"
    # The task queue is claimed with SELECT … FOR UPDATE SKIP LOCKED in a transaction
    # the worker opens on the alias a read picks: on the replica that transaction
    # cannot lock (db_worker crashed), and a lagging replica would hand out tasks
    # already claimed. Its reads always go to the primary.
    primary_only_apps = frozenset({"django_tasks_database"})

    def db_for_read(self, model, **hints):
        if (
            _written.get()
            or connections[self.primary].in_atomic_block
            or model._meta.app_label in self.primary_only_apps
        ):
            return self.primary
        return self.replica

    def db_for_write(self, model, **hints):
        _written.set(True)
        return self.primary

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != self.replica
