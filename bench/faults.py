"""Faults under load: the reminder worker SIGKILLed and restarted, Redis stopped for 20 s, PostgreSQL
restarted, all while 50 clients use the API (the load of bench/load.py).

    .venv/bin/python bench/faults.py [--duration 60] [--database both|sqlite|postgres] [--pg-down 5]

Runs on SQLite (worker and Redis faults) and on PostgreSQL (all three). Redis and PostgreSQL are
throwaway instances of this script's own (redis-server on --redis-port, a cluster made with initdb
on --pg-port); the machine's own are never stopped. Holds when the app kept answering (5xx only as
503, and only while the database was down), recovered by itself (the web server is never
restarted), every acknowledged write is readable, completions reconcile with the moves into done,
and no reminder was lost or doubled (for each task, reminders at least its interval apart, and none
overdue at the end). Exits 1 otherwise. About 2.5 minutes.
"""

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reliability import (  # noqa: E402 (after the path is set)
    Outage,
    Workspace,
    add_common_arguments,
    check_tasks_and_reminders,
    figures,
    log,
    print_figures,
    run_clients,
    run_on_each_database,
)

REDIS_DOWN_SECONDS = 20.0


def inject_faults(workspace: Workspace, args, outages: list[Outage], notes: list[str]):
    """The fault schedule, as fractions of the run: worker at 15 %, Redis at 30 %, PostgreSQL at 75 %."""
    app, duration = workspace.app, args.duration

    def at(started: float, fraction: float) -> None:
        delay = started + fraction * duration - time.perf_counter()
        if delay > 0:
            time.sleep(delay)

    def schedule(started: float) -> None:
        at(started, 0.15)
        app.kill_worker()
        log("reminder worker SIGKILLed")
        time.sleep(2)
        app.start_worker()
        notes.append("fault: reminder worker SIGKILLed, restarted 2 s later")
        log("reminder worker restarted")

        at(started, 0.30)
        workspace.redis.stop()
        log(f"Redis stopped for {REDIS_DOWN_SECONDS:.0f} s")
        time.sleep(REDIS_DOWN_SECONDS)
        workspace.redis.start()
        notes.append(f"fault: Redis stopped for {REDIS_DOWN_SECONDS:.0f} s, then started")
        log("Redis started")

        if workspace.postgres is not None:
            at(started, 0.75)
            outage = Outage(start=time.perf_counter() - started)
            outages.append(outage)
            workspace.postgres.stop()
            log(f"PostgreSQL stopped for {args.pg_down:.0f} s")
            time.sleep(args.pg_down)
            workspace.postgres.start()
            outage.end = time.perf_counter() - started
            notes.append(
                f"fault: PostgreSQL restarted, down {outage.end - outage.start:.1f} s "
                f"(from {outage.start:.1f} s to {outage.end:.1f} s)"
            )
            log("PostgreSQL started")

    def during(started: float) -> None:
        threading.Thread(target=schedule, args=(started,), daemon=True).start()

    return during


def run(args, database: str) -> bool:
    with Workspace(args, database) as workspace:
        if database == "postgres" and not workspace.postgres.own_cluster:
            sys.exit(
                "faults.py restarts PostgreSQL, so it needs its own cluster: drop --postgres-url"
            )
        app = workspace.app
        tokens, baseline = app.start(args.clients)
        outages: list[Outage] = []
        notes: list[str] = []
        log(f"{database}: {args.clients} clients for {args.duration:.0f} s, with faults")
        clients, seconds = run_clients(
            tokens, app.port, args.duration, during=inject_faults(workspace, args, outages, notes)
        )
        web_pid_unchanged = app.web.process.poll() is None
        notes.append(f"web server never restarted: {'yes' if web_pid_unchanged else 'NO'}")
        log(f"{database}: checking what was written")
        findings = check_tasks_and_reminders(app, clients, baseline)
        run_figures = figures(
            f"faults on {database}", app, clients, seconds, findings, outages=outages, notes=notes
        )
        return print_figures(run_figures) and web_pid_unchanged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument(
        "--pg-down", type=float, default=5, help="seconds PostgreSQL stays down (default 5)"
    )
    args = parser.parse_args()
    if args.duration < 50:
        sys.exit("--duration must be at least 50 s: Redis alone is down for 20 s")
    run_on_each_database(args, run)


if __name__ == "__main__":
    main()
