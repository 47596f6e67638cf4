"""Run the real web server in a test or a bench, on loopback, and talk to it over HTTP.

The one place that starts the app as a server (tests in tracker/tests and browser_tests, and the
benches in bench/): `running_server()` picks a free port, starts the process, waits until
`/healthz` (or another path) answers, yields a `Server` (its `url`), and stops it. `server_command()` says how the app
is served; change the serving shape there and every test and bench follows.

Importable without Django set up (the benches run it from a plain script): only
`current_database_url()`, `app_env()` and `script_env()` need the test database.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NO_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
# How much of a server's log a failure shows.
LOG_TAIL_CHARS = 4000


# What the image runs after `gunicorn` (Dockerfile CMD): gunicorn.conf.py, the ASGI worker.
SERVER_ARGS = ("-c", "gunicorn.conf.py", "tracker.asgi:application")


def server_command(
    *, port: int, workers: int, args: Sequence[str] = SERVER_ARGS
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that serve the app on 127.0.0.1:`port`; gunicorn (which
    reads ./gunicorn.conf.py even when `args` do not name it) takes its bind and worker count from
    these variables."""
    return (
        [str(BIN / "gunicorn"), *args],
        {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)},
    )


class Response(NamedTuple):
    status: int
    headers: Message
    body: str


class ServerFailed(RuntimeError):
    """The server exited or did not answer; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def current_database_url() -> str:
    """DATABASE_URL of the database this test process uses, for a server started beside it."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def app_env(**overrides: str) -> dict[str, str]:
    """A clean production-like environment (DEBUG off) on the test database, as a fresh shell would have."""
    from django.conf import settings

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


def script_env(**overrides: str) -> dict[str, str]:
    """app_env() for a Python process run beside the tests (`python -c ...`, `manage.py ...`)."""
    return app_env(
        **{"PYTHONPATH": str(BASE_DIR), "DJANGO_SETTINGS_MODULE": "tracker.settings", **overrides}
    )


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


@dataclass
class Server:
    """A server process started by `start_server()`."""

    url: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self, since: int = 0) -> str:
        """What the server has logged (from byte `since`), at most the last LOG_TAIL_CHARS."""
        with open(self.log_path, "rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
        return text[-LOG_TAIL_CHARS:]

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0


# Servers running now, so that a failing test can show what they logged (conftest.py).
_running: list[Server] = []


def running_servers() -> list[Server]:
    return list(_running)


def start_server(
    env: Mapping[str, str],
    log_path: Path,
    *,
    workers: int = 1,
    settings_module: str | None = None,
    port: int | None = None,
    args: Sequence[str] = SERVER_ARGS,
    ready_path: str = "/healthz",
    timeout: float = 60,
) -> Server:
    """Start the app with `env` (the whole environment) on a free loopback port (or `port`), with
    `workers` worker processes, if given DJANGO_SETTINGS_MODULE=`settings_module`, and gunicorn
    `args` other than the image's if a test needs them; returns once `ready_path` answers. Raises
    ServerFailed, with the log, if it exits or does not answer within `timeout` seconds."""
    port = port or free_port()
    command, serving_env = server_command(port=port, workers=workers, args=args)
    full_env = {**env, **serving_env}
    if settings_module:
        full_env["DJANGO_SETTINGS_MODULE"] = settings_module
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so that stopping it can reach every worker.
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", port, process, log_path)
    try:
        _wait_until_up(server, ready_path, timeout)
    except BaseException:
        stop_server(server)
        raise
    _running.append(server)
    return server


def _wait_until_up(server: Server, ready_path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise ServerFailed(
                f"the server exited with {server.process.returncode} before answering:\n"
                + server.log()
            )
        try:
            get(server.url + ready_path, timeout=2)  # any answer, even a 503, means it serves
            return
        except OSError:
            if time.monotonic() > deadline:
                raise ServerFailed(
                    f"the server did not answer within {timeout:.0f} s:\n" + server.log()
                ) from None
            time.sleep(0.2)


def stop_process(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM, and SIGKILL if it has not exited within `timeout` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


def stop_server(server: Server, timeout: float = 30) -> None:
    """SIGTERM (gunicorn finishes requests in flight), then SIGKILL to the whole process group."""
    if server in _running:
        _running.remove(server)
    stop_process(server.process, timeout)
    try:
        os.killpg(server.process.pid, signal.SIGKILL)  # workers left behind, if any
    except ProcessLookupError:
        pass
    server.process.wait()


@contextmanager
def running_server(env: Mapping[str, str], log_path: Path, **options: Any) -> Iterator[Server]:
    """`start_server(env, log_path, **options)` for the length of a `with` block, stopped
    afterwards whatever happens. If the block fails, the server's log goes to stderr (a failing
    test gets what it logged in its report as well, see conftest.py)."""
    server = start_server(env, log_path, **options)
    try:
        yield server
    except BaseException:
        print(f"--- log of the server at {server.url}:\n{server.log()}", file=sys.stderr)
        raise
    finally:
        stop_server(server)
