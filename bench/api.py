"""API throughput next to a hello-world Django view, on the same gunicorn server in the same run.

    .venv/bin/python bench/api.py [--port 8100] [--seconds 3] [--connections 8] [--workers 2]

Starts the app's server (tracker.tests.servers: gunicorn.conf.py, the ASGI worker) on a fresh SQLite
database in a temporary directory, with bench.settings adding /bench/hello. Loads 100 tasks (and the completion
notifications of the done ones), then drives each endpoint with wrk for a few seconds and prints
requests/s and the ratio to hello-world. Target: the list of 100 tasks at least half the hello rate.
Needs wrk (Debian: apt-get install wrk). Bounded: about 40 s in all, and it stops the server itself.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tracker.tests.servers import running_server  # noqa: E402 (after the path is set)

PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
TOKEN = "bench-static-token"  # noqa: S105 (a throwaway server on loopback)
TASKS = 100
LIST_TARGET = 0.5  # the list of 100 tasks at least half the hello-world rate
HELLO = "hello-world Django view"
LIST = "GET /tasks/ (100 tasks)"
READS = {
    HELLO: "/bench/hello",
    LIST: "/tasks/",
    "GET /tasks/{id}": "/tasks/50",
    "GET /notifications/unread-count": "/notifications/unread-count",
}

LOAD_TASKS = f"""
import django
django.setup()
from tasks.models import TaskStatus
from tasks.services import task_create
statuses = [TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.DONE]
for n in range({TASKS}):
    task_create(name=f"Task {{n}}", description="A benchmark task " * 4, status=statuses[n % 3])
"""

POST_SCRIPT = f"""
wrk.method = "POST"
wrk.body = '{{"name": "Benchmark task", "interval_minutes": 30}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {TOKEN}"
"""


def server_cpu_seconds(master_pid: int) -> float:
    """CPU time used so far by gunicorn's workers (Linux /proc): steadier than req/s on a busy machine."""
    ticks = 0
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str, seconds: int, connections: int, master_pid: int, script: str | None = None
) -> tuple[float, float]:
    """(requests/s, server CPU ms per request); exits if any response was not 2xx/3xx."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url]
    if script:
        command[1:1] = ["-s", script]
    cpu_before = server_cpu_seconds(master_pid)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu_used = server_cpu_seconds(master_pid) - cpu_before
    if re.search(r"Non-2xx or 3xx responses|Socket errors", output):
        sys.exit(f"wrk saw failures for {url}:\n{output}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    if requests == 0:
        sys.exit(f"wrk completed no request to {url} in {seconds} s:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, cpu_used * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--seconds", type=int, default=2, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian/Ubuntu: sudo apt-get install wrk)")

    workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(BASE_DIR),
        "SECRET_KEY": "bench-only-not-secret",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{workdir}/bench.db",
        "API_AUTH_TOKEN": TOKEN,
        "PUBLIC_READ": "true",
        # Events go nowhere: the benchmark measures the API, not Redis.
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "LOG_LEVEL": "WARNING",
    }
    run = {"cwd": BASE_DIR, "env": env, "check": True}
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], **run)
    subprocess.run([PYTHON, "-c", LOAD_TASKS], **run)
    post_script = workdir / "post.lua"
    post_script.write_text(POST_SCRIPT)

    server_log = workdir / "server.log"
    with running_server(
        env, server_log, workers=args.workers, port=args.port, ready_path=READS[HELLO]
    ) as server:
        base = server.url
        for path in READS.values():  # warm up every worker and code path
            wrk(base + path, 1, args.connections, server.pid)
        # Rounds that interleave the baseline with the endpoints, so that a burst of other load on
        # this shared machine hits both; the medians are reported.
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in READS}
        for _ in range(args.rounds):
            for name, path in READS.items():
                samples[name].append(wrk(base + path, args.seconds, args.connections, server.pid))
        # Last, so that every list above saw exactly 100 tasks.
        post = wrk(base + "/tasks/", args.seconds, args.connections, server.pid, str(post_script))
    shutil.rmtree(workdir, ignore_errors=True)

    results = {
        name: (median(rate for rate, _ in runs), median(cpu for _, cpu in runs))
        for name, runs in samples.items()
    }
    results["POST /tasks/"] = post
    hello_rate, hello_cpu = results[HELLO]
    print(
        f"gunicorn ASGI worker x{args.workers} (gunicorn.conf.py), SQLite, wrk 2 threads x"
        f"{args.connections} connections, medians of {args.rounds} rounds of {args.seconds} s, "
        f"{os.cpu_count()} shared CPUs"
    )
    print(f"{'':34} {'req/s':>8} {'x hello':>8} {'server CPU ms/req':>18} {'x hello':>8}")
    for name, (rate, cpu) in results.items():
        print(f"{name:34} {rate:8.0f} {rate / hello_rate:8.2f} {cpu:18.2f} {hello_cpu / cpu:8.2f}")
    list_ratio = results[LIST][0] / hello_rate
    print(
        f"list rounds, x hello: {', '.join(f'{r / h:.2f}' for (r, _), (h, _) in zip(samples[LIST], samples[HELLO], strict=True))}"
    )
    verdict = "met" if list_ratio >= LIST_TARGET else "NOT met"
    print(f"target: list of 100 tasks >= {LIST_TARGET} x hello req/s: {list_ratio:.2f} ({verdict})")
    if list_ratio < LIST_TARGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
