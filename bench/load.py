"""Load: 50 API clients reading, creating, moving and deleting for 60 s against gunicorn, with the
reminder worker running, on SQLite and then on PostgreSQL.

    .venv/bin/python bench/load.py [--duration 60] [--clients 50] [--database both|sqlite|postgres]

Each run starts its own redis-server and (for PostgreSQL) its own throwaway cluster in a temporary
directory, migrates, seeds 50 people with API tokens, 20 tasks reminded every 3 s and 200 others,
then starts gunicorn (gunicorn.conf.py, 2 workers) and `manage.py run_reminders`. Afterwards it
checks: no 5xx, no "database is locked" (in answers or logs), every acknowledged write readable, one
completion notification per move into done, reminders neither lost nor doubled. It prints
throughput and p50/p99 latency, per kind of request as well, and exits 1 if anything did not hold.
Needs redis-server, and PostgreSQL 15's binaries for the PostgreSQL run. About 2.5 minutes.
"""

import argparse
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
    run_on_each_database,
)


def run(args, database: str) -> bool:
    with Workspace(args, database) as workspace:
        app = workspace.app
        tokens, baseline = app.start(args.clients)
        log(f"{database}: {args.clients} clients for {args.duration:.0f} s")
        clients, seconds = run_clients(tokens, app.port, args.duration)
        log(f"{database}: checking what was written")
        findings = check_tasks_and_reminders(app, clients, baseline)
        return print_figures(
            figures(
                f"load on {database}, {args.workers} gunicorn workers",
                app,
                clients,
                seconds,
                findings,
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    run_on_each_database(parser.parse_args(), run)


if __name__ == "__main__":
    main()
