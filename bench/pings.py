"""Heartbeat throughput: 1,000 tasks pinging concurrently through a real server (issue 16).

    .venv/bin/python bench/pings.py [--tasks 1000] [--seconds 10] [--clients 4] [--threads 16]
                                    [--database both|sqlite|postgres] [--postgres-url URL]

Starts gunicorn (gunicorn.conf.py, --workers) on a throwaway database (a SQLite file, or a new
database on the PostgreSQL at --postgres, or the existing empty one at --postgres-url), makes
--tasks tasks in progress, then --clients client processes of --threads threads each (keep-alive
connections) ping them round-robin (`POST /tasks/{id}/ping`) for --seconds. Prints pings/s, latency
percentiles and errors per database; exits 1 on any non-200 answer.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = "pings-token"  # noqa: S105 (a throwaway server on loopback)

sys.path.insert(0, str(BASE_DIR))
from tracker.tests.servers import running_server  # noqa: E402 (after the path is set)

HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}


def make_tasks(port: int, count: int) -> list[int]:
    ids: list[int] = []
    lock = threading.Lock()

    def make(numbers: range) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for number in numbers:
            body = json.dumps({"name": f"job {number}", "status": "in_progress"})
            connection.request("POST", "/tasks/", body, HEADERS)
            answer = connection.getresponse()
            task = json.loads(answer.read())
            with lock:
                ids.append(task["id"])
        connection.close()

    threads = [threading.Thread(target=make, args=(range(n, count, 8),)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(ids)


def client(arguments: tuple[int, list[int], int, float, float]) -> dict:
    """One client process: `threads` keep-alive connections pinging its tasks until `stop_at`."""
    port, ids, threads, start_at, stop_at = arguments
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def run(mine: list[int]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        own: list[float] = []
        failed = 0
        time.sleep(max(0.0, start_at - time.time()))
        index = 0
        while time.time() < stop_at and mine:
            task_id = mine[index % len(mine)]
            index += 1
            began = time.perf_counter()
            try:
                connection.request("POST", f"/tasks/{task_id}/ping", b"", HEADERS)
                answer = connection.getresponse()
                body = answer.read()
                if answer.status != 200 or body != b"OK":
                    failed += 1
            except OSError:
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            own.append(time.perf_counter() - began)
        connection.close()
        with lock:
            latencies.extend(own)
            errors[0] += failed

    workers = [threading.Thread(target=run, args=(ids[n::threads],)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"latencies": latencies, "errors": errors[0]}


def database_url(kind: str, workdir: Path, args) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'pings.db'}", lambda: None
    if args.postgres_url:
        return args.postgres_url, lambda: None
    import psycopg

    name = f"pings_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{args.postgres}/{name}", drop


def run(kind: str, args) -> bool:
    with tempfile.TemporaryDirectory() as workdir:
        url, drop = database_url(kind, Path(workdir), args)
        env = {
            "PATH": f"{BIN}:{os.environ['PATH']}",
            "HOME": os.environ.get("HOME", workdir),
            "SECRET_KEY": "pings-" + uuid.uuid4().hex,
            "DATABASE_URL": url,
            "REDIS_URL": args.redis,
            "API_AUTH_TOKEN": TOKEN,
            "THROTTLE_WRITE_RATE": "",
            "LOG_LEVEL": "WARNING",
        }
        try:
            subprocess.run(
                [BIN / "python", "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True
            )
            log = Path(workdir) / "gunicorn.log"
            with running_server(env, log, workers=args.workers) as server:
                ids = make_tasks(server.port, args.tasks)
                start_at = time.time() + 2
                stop_at = start_at + args.seconds
                shares = [
                    (server.port, ids[n :: args.clients], args.threads, start_at, stop_at)
                    for n in range(args.clients)
                ]
                with multiprocessing.Pool(args.clients) as pool:
                    results = pool.map(client, shares)
        finally:
            drop()
    latencies = sorted(x for result in results for x in result["latencies"])
    errors = sum(result["errors"] for result in results)
    rate = len(latencies) / args.seconds
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(
        f"{kind}: {rate:,.0f} pings/s ({len(latencies):,} pings of {len(ids):,} tasks in "
        f"{args.seconds:g} s, {args.clients * args.threads} connections, {args.workers} workers); "
        f"p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms; errors {errors}"
    )
    return errors == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--threads", type=int, default=16, help="connections per client")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--database", choices=["both", "sqlite", "postgres"], default="both")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--postgres-url", default="", help="an existing, empty database to use")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [run(kind, args) for kind in kinds]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
