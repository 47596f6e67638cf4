"""Redis as real servers use it: one connection pool per process, rate limits that hold while Redis
is down, and two installations on one Redis that never hear each other (tracker.redis_client)."""

import http.client
import json
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import redis

from tracker.tests.servers import BASE_DIR, app_env, free_port, running_server, send

TOKEN = "redis-sharing-token"

pytestmark = pytest.mark.django_db(transaction=True)


def create(base_url: str, name: str) -> int:
    return send(
        f"{base_url}/tasks/",
        method="POST",
        body=json.dumps({"name": name}).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    ).status


def test_write_limits_hold_while_redis_is_down(tmp_path):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    env = app_env(REDIS_URL=dead_redis, API_AUTH_TOKEN=TOKEN, THROTTLE_WRITE_RATE="5/minute")
    with running_server(env, tmp_path / "gunicorn.log") as base_url_server:
        base_url = base_url_server.url
        statuses = [create(base_url, f"Task {n}") for n in range(8)]
    assert statuses == [200] * 5 + [429] * 3


def test_writes_reuse_one_redis_connection_pool(own_redis, tmp_path):
    env = app_env(REDIS_URL=own_redis, API_AUTH_TOKEN=TOKEN)
    with running_server(env, tmp_path / "gunicorn.log") as base_url_server:
        base_url = base_url_server.url
        before = redis.Redis.from_url(own_redis).info("stats")["total_connections_received"]
        assert [create(base_url, f"Task {n}") for n in range(50)] == [200] * 50
        after = redis.Redis.from_url(own_redis).info("stats")["total_connections_received"]
    # One request at a time: the shared pool's one connection (a couple more for our own INFO).
    assert after - before <= 3


def migrated_sqlite(tmp_path, name: str) -> str:
    url = f"sqlite:///{tmp_path / name}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=BASE_DIR,
        env={**app_env(DATABASE_URL=url)},
        check=True,
        timeout=120,
    )
    return url


class EventStream:
    """The board's /events/ stream of a server, read line by line."""

    def __init__(self, base_url: str) -> None:
        address = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=20)
        self.connection.request("GET", "/events/")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        self.next_event()  # "retry: ...": subscribed

    def next_event(self) -> str:
        lines = []
        while (line := self.response.readline().decode()) != "\n":
            lines.append(line)
        return "".join(lines)

    def close(self) -> None:
        self.connection.close()


def test_two_installations_on_one_redis_never_wake_each_other(tmp_path):
    # Each installation with its own database and the default prefix (derived from it).
    servers = []
    for name in ("first", "second"):
        env = app_env(DATABASE_URL=migrated_sqlite(tmp_path, f"{name}.db"), API_AUTH_TOKEN=TOKEN)
        del env["REDIS_KEY_PREFIX"]
        servers.append((env, tmp_path / f"{name}.log"))
    with running_server(*servers[0]) as first_server, running_server(*servers[1]) as second_server:
        first, second = first_server.url, second_server.url
        for n in range(3):  # ids 1 to 3 in the first only, so the events tell the two apart
            create(first, f"Earlier {n}")
        stream = EventStream(second)
        try:
            assert create(first, "Only in the first installation") == 200
            # Redis delivers in publish order: had the first's event reached the second's
            # subscribers, it would come before the second's own.
            assert create(second, "In the second") == 200
            event = json.loads(stream.next_event().removeprefix("data: "))
        finally:
            stream.close()
    assert event["type"] == "task.created"
    assert event["data"] == {"id": 1, "board": 1}
