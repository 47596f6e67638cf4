"""API read throughput: ours as shipped, ours under plain sync WSGI, and the original, in one run.

    .venv/bin/python bench/api.py [--seconds 2] [--rounds 3] [--connections 16] [--workers 2]
                                  [--streams 1000] [--original-venv /tmp/seed-venv]

Four servers run side by side on loopback, each on its own port:
- shipped: `gunicorn -c gunicorn.conf.py tracker.asgi:application` (the image's command);
- shipped + streams: the same, with --streams Server-Sent Events streams held open on /events/;
- sync WSGI: `gunicorn -k sync tracker.wsgi:application` (the ceiling: Django on gunicorn's sync
  worker, which also reads ./gunicorn.conf.py for workers and logging, as from the project root);
- original: the original FastAPI app from ../shared/peers/seed/ under uvicorn, one process, as its
  Dockerfile runs it (make its venv first, as its README says:
  `python3 -m venv /tmp/seed-venv && /tmp/seed-venv/bin/pip install fastapi sqlmodel uvicorn redis
  python-dotenv`).
Ours read one SQLite database of 100 tasks in a temporary directory; the original gets 100 tasks
through its own API. Each round drives every endpoint on every server with wrk in turn (interleaved,
so a burst of other load on this shared machine hits all of them; each turn starts once the last
server is idle), and the medians are reported, with the load average. Then a few task creations on the streams server check that each event
reaches every open stream within 1 s. Needs wrk (Debian: apt-get install wrk) and redis-server
(a private one is started; the machine's Redis is never touched). Bounded: about 8 minutes with the
defaults, and it stops everything it started.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from statistics import median

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tracker.tests.servers import (  # noqa: E402 (after the path is set)
    SERVER_ARGS,
    Server,
    running_server,
    stop_process,
)

PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
ORIGINAL_DIR = BASE_DIR.parent / "shared" / "peers" / "seed"
TOKEN = "bench-static-token"  # noqa: S105 (throwaway servers on loopback)
TASKS = 100
DESCRIPTION = "A benchmark task " * 4  # the same tasks on both sides

# The goals of issue 12.
VS_SYNC_GOAL = 0.8  # every read through the shipped server vs plain sync WSGI
VS_ORIGINAL_GOAL = 2.0  # every read vs the original
LIST_VS_ORIGINAL_GOAL = 30.0  # the list of 100 tasks vs the original
STREAMS_GOAL = 0.8  # every read with the streams open vs without
EVENT_SECONDS_GOAL = 1.0  # an event reaches every open stream within this
EVENTS = 5

HELLO = "hello-world Django view"
LIST = "GET /tasks/ (100 tasks)"
READS = {
    HELLO: "/bench/hello",
    LIST: "/tasks/",
    "GET /tasks/1": "/tasks/1",
    "GET /notifications/unread-count": "/notifications/unread-count",
}

SHIPPED, STREAMING, SYNC, ORIGINAL = "shipped", "shipped + streams", "sync WSGI", "original"


# The gunicorn arguments of our servers, run by tracker.tests.servers (the one place that says how
# the app is served; SERVER_ARGS is the image's command).
OUR_SERVERS = {
    SHIPPED: SERVER_ARGS,
    STREAMING: SERVER_ARGS,
    # --threads 1: gunicorn.conf.py gives tracker.wsgi threads, which would make it gthread.
    SYNC: ("-k", "sync", "--threads", "1", "tracker.wsgi:application"),
}


def original_command(original_venv: Path, port: int) -> list[str]:
    return [str(original_venv / "bin" / "uvicorn"), "main:app", "--port", str(port)]


LOAD_TASKS = f"""
import django
django.setup()
from tasks.models import TaskStatus
from tasks.services import task_create
statuses = [TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.DONE]
for n in range({TASKS}):
    task_create(name=f"Task {{n}}", description={DESCRIPTION!r}, status=statuses[n % 3])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, name: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"{name} exited with {server.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{name} did not answer {url} within {timeout:.0f} s")


@contextmanager
def running(command: list[str], log_path: Path, **popen) -> Iterator[subprocess.Popen]:
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **popen)
    try:
        yield process
    finally:
        stop_process(process)


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children (Linux /proc): steadier than req/s."""
    ticks = 0
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for each in [str(pid), *children]:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


# A turn that completes fewer requests than this says little (the original's list of 100 tasks takes
# about 0.1 s a request, one at a time: 16 connections finish nothing in 2 s), so it runs again longer.
MIN_REQUESTS = 40
LONGEST_TURN = 12  # seconds


def wait_until_idle(pid: int, timeout: float = 15.0) -> None:
    """Until the server has finished the requests wrk left queued when it stopped (the original
    works through 16 of its 0.1 s list answers), so that they do not slow the next turn's server."""
    deadline = time.monotonic() + timeout
    before = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = cpu_seconds(pid)
        if now - before < 0.01:
            return
        before = now


def wrk(url: str, seconds: int, connections: int, pid: int) -> tuple[float, float]:
    """(requests/s, server CPU ms per request); exits if any response was not 2xx/3xx."""
    while True:
        command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", url]
        cpu_before = cpu_seconds(pid)
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        cpu_used = cpu_seconds(pid) - cpu_before
        if re.search(r"Non-2xx or 3xx responses|Socket errors", output):
            sys.exit(f"wrk saw failures for {url}:\n{output}")
        requests = int(re.search(r"(\d+) requests in", output).group(1))
        if requests >= MIN_REQUESTS or seconds >= LONGEST_TURN:
            break
        seconds = min(seconds * 3, LONGEST_TURN)
    if requests == 0:
        sys.exit(f"no request to {url} finished within {seconds} s")
    wait_until_idle(pid)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, cpu_used * 1000 / requests


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)


# --- Event streams held open by this process ----------------------------------------------------


class Streams:
    """`count` SSE connections to /events/, read in a background event loop; records when each one
    receives each event ("task.created 101": [arrival times])."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.loop = asyncio.new_event_loop()
        self.seen: dict[str, list[float]] = {}
        self.open = 0
        self.closed = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._tasks: list[asyncio.Task] = []

    def start(self, timeout: float = 120) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._open_all(), self.loop).result(timeout)

    async def _open_all(self) -> None:
        for first in range(0, self.count, 50):  # in batches: the listen backlog stays small
            batch = [self._open_one() for _ in range(first, min(first + 50, self.count))]
            for reader in await asyncio.gather(*batch):
                self._tasks.append(asyncio.create_task(self._read(reader)))

    async def _open_one(self) -> asyncio.StreamReader:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(
            b"GET /events/ HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        status = await asyncio.wait_for(reader.readline(), 30)
        if b" 200 " not in status:
            raise RuntimeError(f"/events/ answered {status!r}")
        while (await reader.readline()).strip():
            pass  # headers
        self.open += 1
        self._writers.append(writer)
        return reader

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while line := await reader.readline():
                if line.startswith(b"data: "):
                    event = json.loads(line.removeprefix(b"data: "))
                    key = f"{event['type']} {event['data'].get('id')}"
                    self.seen.setdefault(key, []).append(time.monotonic())
        finally:
            self.closed += 1

    def stop(self) -> None:
        """Close every stream first, so the server's graceful shutdown has none left to wait for."""

        async def close_all() -> None:
            for writer in self._writers:
                writer.close()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)


def event_latencies(streams: Streams, base_url: str) -> list[float]:
    """Seconds from sending a task creation to the last open stream receiving its event."""
    latencies = []
    for _ in range(EVENTS):
        sent = time.monotonic()
        marker = f"task.created {post_json(f'{base_url}/tasks/', {'name': 'Event probe'})['id']}"
        deadline = sent + 10
        while len(streams.seen.get(marker, ())) < streams.open and time.monotonic() < deadline:
            time.sleep(0.01)
        arrivals = streams.seen.get(marker, [])
        reached_all = len(arrivals) == streams.open
        latencies.append(max(arrivals) - sent if reached_all else float("inf"))
        time.sleep(0.5)
    return latencies


# --- The run ------------------------------------------------------------------------------------


def main() -> None:  # noqa: C901, PLR0915 (one linear script)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=2, help="per measurement")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--streams", type=int, default=1000, help="open on the streams server")
    parser.add_argument("--original-venv", type=Path, default=Path("/tmp/seed-venv"))  # noqa: S108
    parser.add_argument("--original-code", type=Path, default=ORIGINAL_DIR)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian/Ubuntu: sudo apt-get install wrk)")
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (Debian/Ubuntu: sudo apt-get install redis-server)")
    if not (args.original_venv / "bin" / "uvicorn").exists():
        sys.exit(
            f"no uvicorn in {args.original_venv}: make the original's venv (see this docstring)"
        )

    workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    redis_port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(BASE_DIR),
        "SECRET_KEY": "bench-only-not-secret",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{workdir}/bench.db",
        "API_AUTH_TOKEN": TOKEN,
        "PUBLIC_READ": "true",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "THROTTLE_WRITE_RATE": "",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(args.workers),
    }
    ports = {name: free_port() for name in (*OUR_SERVERS, ORIGINAL)}
    original_dir = workdir / "original"
    (original_dir / "data").mkdir(parents=True)
    for name in ("main.py", "notifications.py", "worker.py"):
        shutil.copy(args.original_code / name, original_dir / name)

    with ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        redis_command = ["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port)]
        stack.enter_context(
            running([*redis_command, "--save", "", "--appendonly", "no"], workdir / "redis.log")
        )
        run = {"cwd": BASE_DIR, "env": env, "check": True}
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], **run)
        subprocess.run([PYTHON, "-c", LOAD_TASKS], **run)

        servers: dict[str, Server | subprocess.Popen] = {}
        for name, gunicorn_args in OUR_SERVERS.items():
            servers[name] = stack.enter_context(
                running_server(
                    env,
                    workdir / f"{ports[name]}.log",
                    workers=args.workers,
                    port=ports[name],
                    args=gunicorn_args,
                )
            )
        servers[ORIGINAL] = stack.enter_context(
            running(
                original_command(args.original_venv, ports[ORIGINAL]),
                workdir / f"{ports[ORIGINAL]}.log",
                cwd=original_dir,
                env={**os.environ, "API_AUTH_TOKEN": TOKEN},
            )
        )
        wait_until_up(f"http://127.0.0.1:{ports[ORIGINAL]}/tasks/", servers[ORIGINAL], ORIGINAL)
        for n in range(TASKS):
            task = {"name": f"Task {n}", "description": DESCRIPTION}
            post_json(f"http://127.0.0.1:{ports[ORIGINAL]}/tasks/", task)

        streams = Streams(ports[STREAMING], args.streams)
        if args.streams:
            streams.start()
            stack.callback(streams.stop)
        load_before = os.getloadavg()

        def measure(name: str, path: str, seconds: int) -> tuple[float, float]:
            url = f"http://127.0.0.1:{ports[name]}{path}"
            return wrk(url, seconds, args.connections, servers[name].pid)

        def measured(name: str, endpoint: str) -> bool:
            return not (name == ORIGINAL and endpoint == HELLO)

        for endpoint, path in READS.items():  # warm up every worker and code path
            for name in ports:
                if measured(name, endpoint):
                    measure(name, path, 1)
        samples = {(name, e): [] for e in READS for name in ports if measured(name, e)}
        for _ in range(args.rounds):
            for endpoint, path in READS.items():
                for name in ports:
                    if measured(name, endpoint):
                        samples[name, endpoint].append(measure(name, path, args.seconds))
        load_after = os.getloadavg()
        open_during = streams.open - streams.closed
        latencies = (
            event_latencies(streams, f"http://127.0.0.1:{ports[STREAMING]}") if args.streams else []
        )

    rate = {key: median(r for r, _ in runs) for key, runs in samples.items()}
    cpu = {key: median(c for _, c in runs) for key, runs in samples.items()}
    print(
        f"{args.workers} gunicorn workers per server of ours, the original on uvicorn (one process); "
        f"SQLite, {TASKS} tasks; wrk 2 threads x {args.connections} connections; medians of "
        f"{args.rounds} interleaved rounds of {args.seconds} s; {os.cpu_count()} shared CPUs; "
        f"load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end"
    )
    print(f"shipped + streams: {args.streams} event streams open ({open_during} still open after)")
    print()
    header = f"{'requests/s':34}" + "".join(f"{name:>19}" for name in ports)
    print(header + f"{'shipped/sync':>14}{'streams/shipped':>17}{'shipped/original':>18}")
    failures = []
    for endpoint in READS:
        row = f"{endpoint:34}"
        for name in ports:
            row += f"{rate[name, endpoint]:19.0f}" if measured(name, endpoint) else f"{'-':>19}"
        vs_sync = rate[SHIPPED, endpoint] / rate[SYNC, endpoint]
        streaming = rate[STREAMING, endpoint] / rate[SHIPPED, endpoint]
        row += f"{vs_sync:14.2f}{streaming:17.2f}"
        if vs_sync < VS_SYNC_GOAL:
            failures.append(f"{endpoint}: shipped/sync {vs_sync:.2f} < {VS_SYNC_GOAL}")
        if args.streams and streaming < STREAMS_GOAL:
            failures.append(f"{endpoint}: streams/shipped {streaming:.2f} < {STREAMS_GOAL}")
        if measured(ORIGINAL, endpoint):
            vs_original = rate[SHIPPED, endpoint] / rate[ORIGINAL, endpoint]
            goal = LIST_VS_ORIGINAL_GOAL if endpoint == LIST else VS_ORIGINAL_GOAL
            row += f"{vs_original:18.2f}"
            if vs_original < goal:
                failures.append(f"{endpoint}: shipped/original {vs_original:.2f} < {goal}")
        else:
            row += f"{'-':>18}"
        print(row)
    print()
    # The same ratios from CPU time per request: what each server costs, whatever share of the
    # machine the other processes on it left to it during its turn.
    print(
        f"{'server CPU ms/request':34}"
        + "".join(f"{name:>19}" for name in ports)
        + f"{'shipped/sync':>14}{'streams/shipped':>17}{'shipped/original':>18}"
    )
    for endpoint in READS:
        cells = [
            f"{cpu[name, endpoint]:19.2f}" if measured(name, endpoint) else f"{'-':>19}"
            for name in ports
        ]
        cells.append(f"{cpu[SYNC, endpoint] / cpu[SHIPPED, endpoint]:14.2f}")
        cells.append(f"{cpu[SHIPPED, endpoint] / cpu[STREAMING, endpoint]:17.2f}")
        if measured(ORIGINAL, endpoint):
            cells.append(f"{cpu[ORIGINAL, endpoint] / cpu[SHIPPED, endpoint]:18.2f}")
        print(f"{endpoint:34}" + "".join(cells))
    if args.streams:
        slowest = max(latencies)
        print()
        print(
            f"events to {streams.open} open streams, from sending the write to the last stream: "
            + ", ".join(f"{s * 1000:.0f} ms" for s in latencies)
        )
        if open_during < args.streams:
            failures.append(f"only {open_during} of {args.streams} streams stayed open")
        if slowest > EVENT_SECONDS_GOAL:
            failures.append(f"an event took {slowest:.2f} s to reach every stream")
    print()
    print(
        f"goals: every read shipped/sync >= {VS_SYNC_GOAL}, shipped/original >= {VS_ORIGINAL_GOAL} "
        f"(the list >= {LIST_VS_ORIGINAL_GOAL}), streams/shipped >= {STREAMS_GOAL}, every event on "
        f"every stream within {EVENT_SECONDS_GOAL:.0f} s: " + ("met" if not failures else "NOT met")
    )
    for failure in failures:
        print(f"  {failure}")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
