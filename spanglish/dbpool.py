"""The connection pool's health check (DATABASES OPTIONS "pool" "check").

psycopg_pool's own check (an empty query on the connection being handed out) finds
a connection that died with a database restart, throws it away and, before trying
the next one, pauses about a second. After a restart every idle connection in the
pool is dead, so the first requests would each pay that pause, and the one that
draws two dead connections in a row runs out of DATABASE_POOL_TIMEOUT and gets a
503 from a database that is back. So when one pooled connection turns out dead,
all the idle ones are replaced at once (`drain`): the retry after the pause gets a
fresh connection.
"""

from psycopg_pool import ConnectionPool


def check_connection(conn) -> None:
    try:
        ConnectionPool.check_connection(conn)
    except Exception:
        # The pool marks a connection it hands out with itself before checking it.
        pool = getattr(conn, "_pool", None)
        if isinstance(pool, ConnectionPool):
            pool.drain()
        raise
