"""Django's PostgreSQL backend with a pool that checks a connection without a round trip.

Django's CONN_HEALTH_CHECKS has psycopg_pool send an empty query before lending a connection and
wait for the answer: one round trip on every request, about 7% of a web worker's time under
bench/load.py. An idle connection in autocommit has nothing to read unless the server has spoken
since: a restart, a failover or pg_terminate_backend sends a FATAL error and closes the socket,
and the kernel closes it too when the server process dies. So a socket with nothing to read is
lent as it is, and one with something to read gets psycopg_pool's full check, which fails for a
dead connection; the pool then discards it and lends (or opens) another.

A server that vanished without a word (a network cut) the full check would only notice after a
timeout too; the request fails with OperationalError instead, a 503
(tracker.middleware.unavailable), and the pool discards that connection when it comes back.
"""

import select

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base
from psycopg import Connection
from psycopg_pool import ConnectionPool


def check_pooled_connection(connection: Connection) -> None:
    """Raise if `connection` is broken; a round trip only when the server has sent something."""
    if connection.closed or select.select([connection.fileno()], [], [], 0)[0]:
        ConnectionPool.check_connection(connection)  # raises for a dead one


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> ConnectionPool | None:
        """Django's pool (its base.DatabaseWrapper.pool, Django 5.2), with the check above in
        place of psycopg_pool's when CONN_HEALTH_CHECKS is on."""
        pool_options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == base.NO_DB_ALIAS or not pool_options:
            return None
        if self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True  # Django sets it as it needs afterwards
            pool = ConnectionPool(
                kwargs=connect_kwargs,
                open=False,  # opened on first use, not at startup
                configure=self._configure_connection,
                check=check_pooled_connection if self.settings_dict["CONN_HEALTH_CHECKS"] else None,
                **({} if pool_options is True else pool_options),
            )
            # Threads racing here each build a pool; the first one stored is the one kept.
            self._connection_pools.setdefault(self.alias, pool)
        return self._connection_pools[self.alias]
