"""Races against a real server: lost updates and writes racing a delete (issue 11).

    .venv/bin/python bench/races.py [--rounds 40] [--database both|sqlite|postgres]

Starts gunicorn (gunicorn.conf.py, 2 workers) on a throwaway database (a SQLite file, or a new
database on the PostgreSQL at --postgres), then runs rounds of real concurrent HTTP clients:
- rename: `PATCH {"name"}` racing `PATCH {"status"}` on one task; a lost update is a round where
  both answered 200 and the task does not end with both the new name and the new status;
- delete: two DELETEs, a PATCH and a PUT at one task at once; counts 5xx and rounds where both
  DELETEs answered 200.
Prints the figures and exits 1 if any lost update, double delete or 5xx was seen.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = "races-token"  # noqa: S105 (a throwaway server on loopback)

sys.path.insert(0, str(BASE_DIR))
from tracker.tests.servers import running_server  # noqa: E402 (after the path is set)


def call(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    try:
        connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        answer = connection.getresponse()
        text = answer.read()
        try:
            return answer.status, json.loads(text)
        except ValueError:
            return answer.status, text
    finally:
        connection.close()


def at_once(port: int, requests: list[tuple[str, str, dict | None]]) -> list[int]:
    """Send every request from its own thread, released together; their status codes."""
    statuses = [0] * len(requests)
    start = threading.Barrier(len(requests))

    def run(index: int) -> None:
        method, path, body = requests[index]
        start.wait()
        try:
            statuses[index] = call(port, method, path, body)[0]
        except OSError:
            statuses[index] = -1  # no answer at all

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def rename_rounds(port: int, rounds: int) -> dict[str, int]:
    lost = server_errors = 0
    for number in range(rounds):
        _, task = call(port, "POST", "/tasks/", {"name": f"before {number}"})
        path = f"/tasks/{task['id']}"
        statuses = at_once(
            port,
            [("PATCH", path, {"name": f"after {number}"}), ("PATCH", path, {"status": "done"})],
        )
        server_errors += sum(1 for status in statuses if status >= 500 or status < 0)
        _, final = call(port, "GET", path)
        if statuses == [200, 200] and (final["name"], final["status"]) != (
            f"after {number}",
            "done",
        ):
            lost += 1
    return {"rounds": rounds, "lost_updates": lost, "5xx": server_errors}


def delete_rounds(port: int, rounds: int) -> dict[str, int]:
    double_deletes = server_errors = 0
    for number in range(rounds):
        _, task = call(port, "POST", "/tasks/", {"name": f"doomed {number}"})
        path = f"/tasks/{task['id']}"
        statuses = at_once(
            port,
            [
                ("DELETE", path, None),
                ("DELETE", path, None),
                ("PATCH", path, {"status": "in_progress"}),
                ("PUT", path, {"name": "renamed"}),
            ],
        )
        server_errors += sum(1 for status in statuses if status >= 500 or status < 0)
        if statuses[:2] == [200, 200]:
            double_deletes += 1
    return {"rounds": rounds, "double_deletes": double_deletes, "5xx": server_errors}


def database_url(kind: str, workdir: Path, postgres: str) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'races.db'}", lambda: None
    import psycopg

    name = f"races_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{postgres}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{postgres}/{name}", drop


def run(kind: str, args) -> bool:
    with tempfile.TemporaryDirectory() as workdir:
        url, drop = database_url(kind, Path(workdir), args.postgres)
        env = {
            "PATH": f"{BIN}:{os.environ['PATH']}",
            "HOME": os.environ.get("HOME", workdir),
            "SECRET_KEY": "races-" + uuid.uuid4().hex,
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
            with running_server(env, Path(workdir) / "gunicorn.log", workers=2) as server:
                renames = rename_rounds(server.port, args.rounds)
                deletes = delete_rounds(server.port, args.rounds)
        finally:
            drop()
    print(f"{kind}: rename vs status: {renames}")
    print(f"{kind}: delete races:     {deletes}")
    return not (
        renames["lost_updates"] or renames["5xx"] or deletes["double_deletes"] or deletes["5xx"]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database", choices=["both", "sqlite", "postgres"], default="both")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [run(kind, args) for kind in kinds]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
