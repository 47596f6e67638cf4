"""The shipped server's workers: how connections reach them, and one server per port."""

import json
import os
import signal
import socket
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tracker.tests.servers import BASE_DIR, app_env, running_server, server_command

CONNECTIONS = 32


def requests_per_worker(log: str) -> Counter:
    """How many requests each worker served, by pid, from gunicorn's access lines (tracker.logs
    adds `pid` to each)."""
    pids = Counter()
    for line in log.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "gunicorn.access":
                pids[record["pid"]] += 1
    return pids


@pytest.mark.django_db(transaction=True)
def test_connections_waiting_together_are_spread_over_the_workers(tmp_path):
    """Connections that wait to be accepted together (a load tester's, a proxy pool's after a pause)
    keep every worker busy: each worker has its own socket (reuse_port), where the kernel puts each
    new connection by a hash of its address. On one shared socket the first worker to wake accepted
    them all (asyncio accepts up to 100 at a wake-up), and with them every later request on them."""
    env = app_env(LOG_LEVEL="INFO")
    with running_server(env, tmp_path / "server.log", workers=2) as server:
        workers = worker_pids(server.pid)
        since = server.log_size()
        for pid in workers:  # no worker accepts while the connections are made
            os.kill(pid, signal.SIGSTOP)
        try:
            connections = [
                socket.create_connection(("127.0.0.1", server.port), timeout=10)
                for _ in range(CONNECTIONS)
            ]
        finally:
            for pid in workers:
                os.kill(pid, signal.SIGCONT)
        try:
            for connection in connections:
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            for connection in connections:
                assert connection.recv(65536).startswith(b"HTTP/1.1 200")
        finally:
            for connection in connections:
                connection.close()
        served_by = requests_per_worker(server.log_path.read_bytes()[since:].decode())
    assert set(served_by) == set(workers)
    # About half each; a hash is not exact, but never nearly all on one.
    assert min(served_by.values()) >= CONNECTIONS // 8, served_by


def worker_pids(arbiter_pid: int) -> list[int]:
    children = Path(f"/proc/{arbiter_pid}/task/{arbiter_pid}/children").read_text().split()
    return [int(pid) for pid in children]


@pytest.mark.django_db(transaction=True)
def test_a_second_server_on_a_port_in_use_refuses_to_start(tmp_path):
    """With reuse_port a second server could bind the same port and silently share it."""
    env = app_env()
    with running_server(env, tmp_path / "first.log") as first:
        command, serving_env = server_command(port=first.port, workers=1)
        second = subprocess.run(
            command,
            cwd=BASE_DIR,
            env={**env, **serving_env},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert second.returncode != 0
    message = f"Cannot listen on 127.0.0.1:{first.port}: Address already in use"
    assert message in second.stdout + second.stderr
