"""The SQLite backend reuses connections across request threads (the ASGI worker's pattern)."""

import threading

import pytest
from django.db import connection, connections, transaction

from boards.access import default_board
from tasks.models import Task

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite backend; this run uses " + connection.vendor)


def raw_connection_seen_by_a_new_thread(work=None):
    """Open the default connection in a fresh thread, as one request would, and close it at the end."""
    seen = {}

    def request():
        conn = connections["default"]
        conn.ensure_connection()
        seen["connection"] = conn.connection
        if work:
            work(conn)
        conn.close()

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    return seen["connection"]


def test_a_connection_closed_by_one_request_thread_is_reused_by_the_next():
    first = raw_connection_seen_by_a_new_thread()
    assert raw_connection_seen_by_a_new_thread() is first


def test_a_reused_connection_keeps_wal_and_the_busy_timeout():
    raw_connection_seen_by_a_new_thread()
    pragmas = {}

    def read_pragmas(conn):
        with conn.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            pragmas["journal"] = cursor.fetchone()[0]
            cursor.execute("PRAGMA busy_timeout")
            pragmas["busy"] = cursor.fetchone()[0]

    raw_connection_seen_by_a_new_thread(read_pragmas)
    assert pragmas == {"journal": "wal", "busy": 20000}


def test_a_connection_closed_inside_a_transaction_is_not_reused():
    def close_mid_transaction(conn):
        try:
            with transaction.atomic():
                Task.objects.create(name="half-written", board=default_board())
                conn.close()  # as when a request dies mid-transaction
        except Exception:  # noqa: S110 - atomic() complains about the closed connection; expected
            pass

    pooled = raw_connection_seen_by_a_new_thread()
    assert raw_connection_seen_by_a_new_thread(close_mid_transaction) is pooled
    assert raw_connection_seen_by_a_new_thread() is not pooled
    assert not Task.objects.filter(name="half-written").exists()
