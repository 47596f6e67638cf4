"""Run the real web server (gunicorn -c gunicorn.conf.py, as the image does) in a test, on the test database."""

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


class Response(NamedTuple):
    status: int
    headers: Message
    body: str


BIN = Path(sys.executable).parent


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def current_database_url() -> str:
    """DATABASE_URL of the database this test process uses, for a server started beside it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def app_env(**overrides: str) -> dict[str, str]:
    """A clean production-like environment (DEBUG off), as a fresh shell would have."""
    return {
        **{name: os.environ[name] for name in ("HOME", "LANG") if name in os.environ},
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "SECRET_KEY": "tests-only-" + "x" * 50,
        "DEBUG": "false",
        "DATABASE_URL": current_database_url(),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        # The test run's Redis keys and channels, so a test hears the server's events.
        "REDIS_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def send(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    opener: urllib.request.OpenerDirector = _opener,
    timeout: float = 10,
) -> Response:
    """One HTTP request, redirects not followed; any HTTP answer is returned, not raised."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)  # noqa: S310
    try:
        with opener.open(request, timeout=timeout) as answer:
            return Response(answer.status, answer.headers, answer.read().decode())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read().decode())


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> Response:
    return send(url, headers=headers, timeout=timeout)


def at_once(requests: list[dict]) -> list[Response | OSError]:
    """Send each request (`send`'s keyword arguments) from its own thread, all released together."""
    answers: list[Response | OSError] = [OSError("not sent")] * len(requests)
    start = threading.Barrier(len(requests))

    def run(index: int) -> None:
        start.wait()
        try:
            answers[index] = send(**requests[index])
        except OSError as error:  # no answer at all (a reset, a timeout)
            answers[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


# The image's command; a test may pass other arguments (gunicorn still reads ./gunicorn.conf.py).
DOCUMENTED_ARGS = ("-c", "gunicorn.conf.py", "tracker.asgi:application")


@contextmanager
def running_gunicorn(
    env: dict[str, str], log_path: Path, args: tuple[str, ...] = DOCUMENTED_ARGS
) -> Iterator[str]:
    """Serve the app with the repo's gunicorn.conf.py (one worker unless WEB_CONCURRENCY); the base URL."""
    port = free_port()
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", *args],
            cwd=BASE_DIR,
            env={"WEB_CONCURRENCY": "1", **env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"{base_url}/healthz", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()}") from None
                time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
