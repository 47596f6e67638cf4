"""The reminder sweep against the original's approach, on SQLite and on PostgreSQL, in the same run.

    .venv/bin/python bench/reminders.py [--tasks 1000000] [--due 10000] [--engines sqlite,postgresql]

For each database: a scratch database (SQLite: a file in a temporary directory; PostgreSQL: the
database bench_reminders, created and dropped here, on the server at BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres) is migrated and bulk-loaded with --tasks in-progress
tasks, none due, in one INSERT ... SELECT. Then, on that same data:

1. idle pass: ours (`send_due_reminders`, median of 30) vs the original's (load every in-progress
   task, check each in Python);
2. --due reminders written: ours (batched transactions) vs the original's (scan, then one commit per
   reminder), each on its own --due tasks made due;
3. lateness while the loop runs: 2,000 tasks due spread over 10 s plus 1,000 due at one instant;
   `run_reminders` vs the original's loop (a sweep every 30 s), each a real process; an observer polls
   the notifications table every 10 ms and records when each reminder became visible.

Targets: idle pass < 5 ms, 10,000 reminders < 1 s, every reminder visible within 1 s of its due time.
Needs Redis at REDIS_URL (the loop's early wake-up). About 5 minutes on 2 quiet cores, mostly the original.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tracker.tests.servers import stop_process  # noqa: E402 (after the path is set)

POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
SCRATCH_DATABASE = "bench_reminders"
ORIGINAL_PERIOD_SECONDS = 30  # the original worker checks every 30 s
ROUNDS = 3  # our writes are timed on this many fresh sets of due tasks: best and median reported
SPREAD_TASKS, SPREAD_SECONDS, BURST_TASKS = 2000, 10, 1000
TARGETS = {"idle_ms": 5, "due_s": 1, "late_s": 1}


# --- The original's approach (its worker.py, on our models) --------------------------------------


def original_sweep(now: datetime) -> int:
    """Load every in-progress task, check each in Python, one commit per reminder."""
    from django.db import transaction

    from notifications.models import Notification, NotificationType
    from notifications.services import reminder_message
    from tasks.models import Task, TaskStatus

    # Streamed so a million rows fit in memory; the original holds them all (.all()).
    due = [
        task
        for task in Task.objects.filter(status=TaskStatus.IN_PROGRESS).iterator(chunk_size=10_000)
        if now - task.last_ping >= timedelta(minutes=task.interval_minutes)
    ]
    for task in due:
        with transaction.atomic():
            Notification.objects.create(
                task=task,
                task_name=task.name,
                message=reminder_message(task.name, task.pk),
                notification_type=NotificationType.REMINDER,
                created_at=now,
            )
            # The original sets last_ping only; ours also keeps next_reminder_at in step.
            Task.objects.filter(pk=task.pk).update(
                last_ping=now, next_reminder_at=task.reminder_due_after(now)
            )
    return len(due)


def original_loop() -> None:
    from django.utils import timezone

    print("original loop started", flush=True)
    while True:
        original_sweep(timezone.now())
        time.sleep(ORIGINAL_PERIOD_SECONDS)


# --- Loading and measuring ------------------------------------------------------------------------


def load_tasks(count: int, now: datetime) -> None:
    """`count` in-progress tasks pinged up to 49 minutes ago with a 60-minute interval: none due."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                INSERT INTO tasks_task (name, description, status, interval_minutes, last_ping,
                    next_reminder_at, rank, created_at, updated_at)
                SELECT 'task ' || n, '', 'in_progress', 60,
                    %(now)s - interval '1 minute' * (n %% 50),
                    %(now)s - interval '1 minute' * (n %% 50) + interval '60 minutes',
                    'V' || lpad(n::text, 7, '0'), %(now)s, %(now)s
                FROM generate_series(1, %(count)s) AS n
                """,
                {"now": now, "count": count},
            )
            cursor.execute("ANALYZE tasks_task")  # what autovacuum would do shortly after
        else:
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
            cursor.execute(
                """
                WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s)
                INSERT INTO tasks_task (name, description, status, interval_minutes, last_ping,
                    next_reminder_at, rank, created_at, updated_at)
                SELECT 'task ' || n, '', 'in_progress', 60,
                    strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '-' || (n %% 50) || ' minutes') || '000',
                    strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '-' || (n %% 50) || ' minutes',
                        '+60 minutes') || '000',
                    'V' || substr('0000000' || n, -7), %s, %s
                FROM seq
                """,
                [count, stamp, stamp, stamp, stamp],
            )


def make_due(first_id: int, count: int, due_at: datetime) -> None:
    from tasks.models import Task

    Task.objects.filter(id__gte=first_id, id__lt=first_id + count).update(
        last_ping=due_at - timedelta(minutes=60), next_reminder_at=due_at
    )


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def measure_lateness(loop_args: list[str], first_id: int, log_path: Path, wait_s: float) -> dict:
    """Start a loop process, make tasks fall due, record when each reminder becomes visible."""
    from django.db import connection, transaction

    from notifications.models import Notification
    from tasks.models import Task
    from tracker import events

    with open(log_path, "w") as log:
        loop = subprocess.Popen(
            [sys.executable, *loop_args],
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=os.environ,
        )
    try:
        time.sleep(3)  # let it start and do its first pass (the original's takes longer)
        start = datetime.now(UTC) + timedelta(seconds=4)
        due_at = {}
        for offset in range(SPREAD_TASKS):
            due_at[first_id + offset] = start + timedelta(
                seconds=SPREAD_SECONDS * offset / SPREAD_TASKS
            )
        burst_at = start + timedelta(seconds=SPREAD_SECONDS / 2)
        for offset in range(BURST_TASKS):
            due_at[first_id + SPREAD_TASKS + offset] = burst_at
        by_time: dict[datetime, list[int]] = {}
        for task_id, moment in due_at.items():
            by_time.setdefault(moment, []).append(task_id)
        with transaction.atomic():
            for moment, ids in by_time.items():
                Task.objects.filter(id__in=ids).update(
                    last_ping=moment - timedelta(minutes=60), next_reminder_at=moment
                )
        if datetime.now(UTC) >= start:
            print("warning: scheduling took longer than the head start", file=sys.stderr)
        events.publish("task.updated", {"bench": True})  # what the services do after a change

        seen_at: dict[int, datetime] = {}
        last_id = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
        deadline = time.monotonic() + wait_s
        while len(seen_at) < len(due_at) and time.monotonic() < deadline:
            rows = list(
                Notification.objects.filter(id__gt=last_id)
                .order_by("id")
                .values_list("id", "task_id")
            )
            now = datetime.now(UTC)
            for notification_id, task_id in rows:
                last_id = notification_id
                if task_id in due_at:
                    seen_at.setdefault(task_id, now)
            connection.close_if_unusable_or_obsolete()
            time.sleep(0.01)
    finally:
        stop_process(loop)
    late = sorted(
        max(0.0, (seen_at[task_id] - due_at[task_id]).total_seconds()) for task_id in seen_at
    )
    return {
        "expected": len(due_at),
        "seen": len(late),
        "max": late[-1] if late else None,
        "p50": statistics.median(late) if late else None,
        "p99": late[int(len(late) * 0.99) - 1] if late else None,
        "within_1s": sum(1 for value in late if value <= 1.0),
    }


def run_engine(task_count: int, due_count: int, original_lateness_tasks: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from notifications.models import Notification
    from reminders.sweep import send_due_reminders

    call_command("migrate", verbosity=0)
    results: dict = {"engine": connection.vendor, "tasks": task_count, "due": due_count}
    now = timezone.now()
    results["load_s"], _ = timed(load_tasks, task_count, now)

    results["load_average_before"] = os.getloadavg()[0]

    # 1. Idle pass.
    idle = [timed(send_due_reminders)[0] for _ in range(30)]
    results["idle_ms"] = statistics.median(idle) * 1000
    results["idle_best_ms"] = min(idle) * 1000
    seconds, sent = timed(original_sweep, timezone.now())
    assert sent == 0, sent
    results["original_idle_ms"] = seconds * 1000

    # 2. Reminders written: ours in ROUNDS rounds on fresh tasks each, then the original's once.
    rounds = []
    for round_number in range(ROUNDS):
        make_due(1 + round_number * due_count, due_count, timezone.now() - timedelta(seconds=1))
        seconds, sent = timed(send_due_reminders)
        assert sent == due_count, sent
        rounds.append(seconds)
    results["due_s"], results["due_best_s"] = statistics.median(rounds), min(rounds)
    first_id = ROUNDS * due_count + 1
    make_due(first_id, due_count, timezone.now() - timedelta(seconds=1))
    results["original_due_s"], sent = timed(original_sweep, timezone.now())
    assert sent == due_count, sent
    assert Notification.objects.count() == (ROUNDS + 1) * due_count
    first_id += due_count

    # 3. Lateness while each loop runs, on fresh tasks each time.
    connection.close()
    log_dir = Path(os.environ["BENCH_LOG_DIR"])
    results["late"] = measure_lateness(
        ["manage.py", "run_reminders"], first_id, log_dir / "run_reminders.log", wait_s=60
    )
    first_id += SPREAD_TASKS + BURST_TASKS
    # The original's loop scans every in-progress task each sweep; on all of them one lateness
    # run takes minutes, so it runs on fewer (the report says how many).
    kept = max(original_lateness_tasks, first_id + SPREAD_TASKS + BURST_TASKS)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tasks_task WHERE id > %s", [kept])
    results["original_late_tasks"] = min(kept, task_count)
    results["original_late"] = measure_lateness(
        [__file__, "--original-loop"],
        first_id,
        log_dir / "original_loop.log",
        wait_s=SPREAD_SECONDS + 2 * ORIGINAL_PERIOD_SECONDS + 30,
    )
    results["load_average_after"] = os.getloadavg()[0]
    return results


# --- Orchestration and the report -----------------------------------------------------------------


def postgres_scratch(action: str) -> str:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
        if action == "create":
            admin.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + SCRATCH_DATABASE


def ratio(original: float | None, ours: float | None) -> str:
    if not original or not ours:
        return "-"
    return f"{original / ours:,.0f}x"


def report(results: dict) -> None:
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[results["engine"]]
    print(
        f"\n== {name}: {results['tasks']:,} in-progress tasks, bulk-loaded in "
        f"{results['load_s']:.1f} s; load average {results['load_average_before']:.1f} before, "
        f"{results['load_average_after']:.1f} after (2 cores)"
    )
    ours, theirs = results["late"], results["original_late"]
    rows = [
        (
            "idle pass, none due",
            f"{results['idle_ms']:.2f} ms (best {results['idle_best_ms']:.2f})",
            f"{results['original_idle_ms']:,.0f} ms",
            ratio(results["original_idle_ms"], results["idle_ms"]),
            f"< {TARGETS['idle_ms']} ms",
            results["idle_ms"] < TARGETS["idle_ms"],
        ),
        (
            f"{results['due']:,} due reminders written",
            f"{results['due_s']:.3f} s (best {results['due_best_s']:.3f})",
            f"{results['original_due_s']:.1f} s",
            ratio(results["original_due_s"], results["due_s"]),
            f"< {TARGETS['due_s']} s",
            results["due_s"] < TARGETS["due_s"],
        ),
    ]
    for label, key in (("lateness max", "max"), ("lateness p99", "p99"), ("lateness p50", "p50")):
        rows.append(
            (
                label,
                "-" if ours[key] is None else f"{ours[key]:.3f} s",
                "-" if theirs[key] is None else f"{theirs[key]:.1f} s",
                ratio(theirs[key], ours[key]),
                f"<= {TARGETS['late_s']} s" if key == "max" else "",
                ours[key] is not None and ours[key] <= TARGETS["late_s"] if key == "max" else None,
            )
        )
    rows.append(
        (
            "reminders within 1 s of due",
            f"{ours['within_1s']:,}/{ours['expected']:,}",
            f"{theirs['within_1s']:,}/{theirs['expected']:,}",
            "",
            "all",
            ours["within_1s"] == ours["expected"],
        )
    )
    print(f"{'':30} {'ours (median)':>28} {'original':>11} {'ratio':>8}  target")
    for label, mine, original, times, target, met in rows:
        verdict = "" if met is None else ("met" if met else "MISSED")
        print(f"{label:30} {mine:>28} {original:>11} {times:>8}  {target} {verdict}")
    print(
        f"idle: median of 30 passes; writes: median of {ROUNDS} rounds, each on {results['due']:,} "
        f"fresh due tasks among the {results['tasks']:,}; the original's once.\n"
        f"lateness: {SPREAD_TASKS:,} reminders due spread over {SPREAD_SECONDS} s plus "
        f"{BURST_TASKS:,} due at one instant, seen by a poller every 10 ms. The original's loop "
        f"(a sweep every {ORIGINAL_PERIOD_SECONDS} s) ran on {results['original_late_tasks']:,} "
        f"in-progress tasks, not {results['tasks']:,}, to keep the run short, and delivered "
        f"{theirs['seen']:,} of {theirs['expected']:,} before the bench stopped waiting."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument(
        "--original-lateness-tasks",
        type=int,
        default=100_000,
        help="in-progress tasks left for the original loop's lateness run (default 100,000)",
    )
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--engine-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--original-loop", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.original_loop:
        import django

        django.setup()
        original_loop()
        return
    if options.engine_run:
        results = run_engine(options.tasks, options.due, options.original_lateness_tasks)
        print(json.dumps(results, default=str))
        return

    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as scratch:
        for engine in options.engines.split(","):
            if engine == "sqlite":
                database_url = f"sqlite:///{scratch}/bench_reminders.sqlite3"
            else:
                database_url = postgres_scratch("create")
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-not-secret"),
                "DJANGO_SETTINGS_MODULE": "tracker.settings",
                "PYTHONPATH": str(BASE_DIR),
                "BENCH_LOG_DIR": scratch,
                "LOG_LEVEL": "WARNING",
            }
            try:
                child = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--engine-run",
                        "--tasks",
                        str(options.tasks),
                        "--due",
                        str(options.due),
                        "--original-lateness-tasks",
                        str(options.original_lateness_tasks),
                    ],
                    cwd=BASE_DIR,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=900,
                )
            finally:
                if engine != "sqlite":
                    postgres_scratch("drop")
            if child.returncode != 0:
                print(child.stdout[-3000:], child.stderr[-5000:], file=sys.stderr)
                sys.exit(f"{engine}: the benchmark failed")
            report(json.loads(child.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
