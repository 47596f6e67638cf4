"""Load: 50 API clients reading, creating, moving and deleting for 60 s against gunicorn, with the
reminder worker running, on SQLite and then on PostgreSQL.

    .venv/bin/python bench/load.py [--duration 60] [--clients 50] [--database both|sqlite|postgres]
        [--runs 3]

Each run starts its own redis-server and (for PostgreSQL) its own throwaway cluster in a temporary
directory, migrates, seeds 50 people with API tokens, 20 tasks reminded every 3 s and 200 others,
then starts gunicorn (gunicorn.conf.py, 2 workers) and `manage.py run_reminders`. Afterwards it
checks: no 5xx, no "database is locked" (in answers or logs), every acknowledged write readable, one
completion notification per move into done, reminders neither lost nor doubled. It prints
throughput and p50/p99 latency, per kind of request as well, and exits 1 if anything did not hold.
Each database runs `--runs` times (at most 5); the last table puts the writes/s (acknowledged and
refused creates, moves and deletes per second) of SQLite and PostgreSQL side by side, with the
median of the runs, and the PostgreSQL/SQLite ratio of each pair of runs (they alternate) with its
median. Needs redis-server, and PostgreSQL 15's binaries for the PostgreSQL run. About
2.5 minutes per run and database.
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reliability import (  # noqa: E402 (after the path is set)
    Workspace,
    add_common_arguments,
    check_tasks_and_reminders,
    figures,
    log,
    print_figures,
    run_clients,
)

WRITES = ("create", "move", "delete")
MAX_RUNS = 5


def run(args, database: str) -> tuple[bool, float, float]:
    """One run: whether everything held, writes/s and requests/s."""
    with Workspace(args, database) as workspace:
        app = workspace.app
        tokens, baseline = app.start(args.clients)
        log(f"{database}: {args.clients} clients for {args.duration:.0f} s")
        clients, seconds = run_clients(tokens, app.port, args.duration)
        log(f"{database}: checking what was written")
        findings = check_tasks_and_reminders(app, clients, baseline)
        run_figures = figures(
            f"load on {database}, {args.workers} gunicorn workers",
            app,
            clients,
            seconds,
            findings,
        )
        writes = sum(run_figures.by_kind.get(kind, (0, 0, 0))[0] for kind in WRITES)
        return print_figures(run_figures), writes / seconds, run_figures.throughput


def print_side_by_side(results: dict[str, list[tuple[bool, float, float]]]) -> None:
    print(f"\n== writes/s with {len(next(iter(results.values())))} run(s) per database")
    print(f"{'database':<10} {'writes/s per run':<28} {'median':>8} {'req/s median':>13}")
    for database, runs in results.items():
        per_run = ", ".join(f"{writes:.0f}" for _, writes, _ in runs)
        writes_median = statistics.median(writes for _, writes, _ in runs)
        requests_median = statistics.median(requests for _, _, requests in runs)
        print(f"{database:<10} {per_run:<28} {writes_median:>8.0f} {requests_median:>13.0f}")
    if set(results) == {"sqlite", "postgres"}:
        # The runs alternate, so each pair ran close together: the ratio per pair drifts less
        # with a noisy machine than the ratio of the medians.
        ratios = [
            postgres_writes / sqlite_writes
            for (_, sqlite_writes, _), (_, postgres_writes, _) in zip(
                results["sqlite"], results["postgres"], strict=True
            )
        ]
        per_pair = ", ".join(f"{ratio:.2f}" for ratio in ratios)
        print(
            f"postgres/sqlite writes per pair of runs: {per_pair}; "
            f"median {statistics.median(ratios):.2f}x (goal: at least 1.00x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument(
        "--runs", type=int, default=3, help=f"runs per database (default 3, at most {MAX_RUNS})"
    )
    args = parser.parse_args()
    if not 1 <= args.runs <= MAX_RUNS:
        parser.error(f"--runs must be between 1 and {MAX_RUNS}")
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {database: [] for database in databases}
    for _ in range(args.runs):
        for database in databases:
            results[database].append(run(args, database))
    print_side_by_side(results)
    sys.exit(0 if all(held for runs in results.values() for held, _, _ in runs) else 1)


if __name__ == "__main__":
    main()
