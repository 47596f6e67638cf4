import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import redis

from conftest import skip_or_fail
from tracker.tests.servers import BASE_DIR, free_port


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> str:
    """collectstatic as the image runs it, into a temporary STATIC_ROOT for servers started by tests."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env={**os.environ, "STATIC_ROOT": str(root)},
        check=True,
        timeout=300,
    )
    return str(root)


@pytest.fixture
def own_redis(tmp_path) -> Iterator[str]:
    """A throwaway redis-server of this test's own, so that its figures (connections) are exact."""
    binary = shutil.which("redis-server")
    if binary is None:
        skip_or_fail("redis-server is not installed")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
