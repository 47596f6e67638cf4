"""The pool's check before lending a PostgreSQL connection (tracker.db.postgresql), against the test
server: a healthy idle connection is lent without a round trip, one the server has ended is
replaced before a request can use it."""

import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg_pool import ConnectionPool

from tracker.db.postgresql.base import check_pooled_connection


@pytest.fixture
def conninfo(db) -> dict:
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL pool; this run uses " + connection.vendor)
    params = connection.get_connection_params()
    return {name: params[name] for name in ("dbname", "user", "host", "port") if params.get(name)}


def end_from_the_server(backend_pid: int, conninfo: dict) -> None:
    """What a restart does to every connection: the server ends it (FATAL, then close)."""
    with psycopg.connect(**conninfo, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])


def protocol_messages(conn: psycopg.Connection, tmp_path, action) -> str:
    """What libpq sent and received while `action()` ran (its own trace, PQtrace)."""
    trace = tmp_path / "libpq.trace"
    with open(trace, "w") as file:
        conn.pgconn.trace(file.fileno())
        try:
            action()
        finally:
            conn.pgconn.untrace()
    return trace.read_text()


def test_the_project_pool_uses_this_check(conninfo):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]
    assert connection.pool._check is check_pooled_connection


def test_a_healthy_idle_connection_is_lent_without_a_round_trip(conninfo, tmp_path):
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute("SELECT 1")
        assert protocol_messages(conn, tmp_path, lambda: check_pooled_connection(conn)) == ""
        # The same trace does show a round trip when there is one:
        assert "Query" in protocol_messages(conn, tmp_path, lambda: conn.execute(""))


def test_a_connection_the_server_ended_fails_the_check(conninfo):
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        end_from_the_server(conn.info.backend_pid, conninfo)
        deadline = time.monotonic() + 10
        with pytest.raises(psycopg.OperationalError):  # noqa: PT012 (until the FATAL arrives)
            while time.monotonic() < deadline:
                check_pooled_connection(conn)
                time.sleep(0.01)


def test_the_pool_replaces_a_connection_the_server_ended(conninfo):
    pool = ConnectionPool(
        kwargs={**conninfo, "autocommit": True},
        min_size=1,
        max_size=1,
        check=check_pooled_connection,
        open=True,
    )
    try:
        with pool.connection() as conn:
            first_backend = conn.info.backend_pid
        end_from_the_server(first_backend, conninfo)
        time.sleep(0.2)  # the server's FATAL reaches the idle socket
        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            assert conn.info.backend_pid != first_backend
    finally:
        pool.close()
