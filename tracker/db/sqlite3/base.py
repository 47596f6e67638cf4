"""Django's SQLite backend with connections kept for reuse inside one process.

Django's connections are per thread and closed at the end of each request, and threads come and go
(Django's ASGI handler starts one per event stream, runserver one per request), so each request
would open a fresh SQLite connection and run its PRAGMAs again (about 1 ms, as much as a whole small
API request). Instead, a connection closed outside any transaction goes back to a
small per-process stack and the next thread takes it. Django opens SQLite connections with
check_same_thread=False, so handing one to another thread (never two at once) is safe.
"""

import os
import threading

from django.db.backends.sqlite3 import base

POOL_SIZE = 16


class _ConnectionStack:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[str, list] = {}
        self._pid = os.getpid()

    def take(self, database: str):
        with self._lock:
            if self._pid != os.getpid():
                # Forked: the parent's connections are not ours to use.
                self._idle, self._pid = {}, os.getpid()
            idle = self._idle.get(database)
            return idle.pop() if idle else None

    def give_back(self, database: str, connection) -> bool:
        with self._lock:
            idle = self._idle.setdefault(database, [])
            if self._pid != os.getpid() or len(idle) >= POOL_SIZE:
                return False
            idle.append(connection)
            return True


_stack = _ConnectionStack()


class DatabaseWrapper(base.DatabaseWrapper):
    def _pool_key(self) -> str | None:
        # In-memory databases live and die with their one connection: never pooled.
        return None if self.is_in_memory_db() else str(self.settings_dict["NAME"])

    def get_new_connection(self, conn_params):
        key = self._pool_key()
        reused = _stack.take(key) if key else None
        return reused if reused is not None else super().get_new_connection(conn_params)

    def _close(self):
        key = self._pool_key()
        connection = self.connection
        if (
            key is None
            or connection is None
            or self.in_atomic_block
            or connection.in_transaction
            or not _stack.give_back(key, connection)
        ):
            return super()._close()
        return None
