"""Delivery: 10,000 reminders fan out to 10,000 signed webhook deliveries against a local receiver.

    .venv/bin/python bench/delivery.py [--reminders 10000] [--database-url postgres://...]

On a scratch database (default: SQLite in a temporary directory) with one person and one webhook
channel to a receiver in this process (http.server, threads):

1. the sweep's own figures: `send_due_reminders` writing --reminders reminders with their outbox
   rows, against the same sweep with no channel (so no deliveries);
2. `manage.py run_reminders` (a real process, DELIVERY_WORKER_THREADS senders) sends them: the rate
   (deliveries per second) and the lateness of each (receipt minus the notification's time);
3. reminder lateness while a receiver hangs: 1,000 reminders due over 5 s, each with a delivery to a
   receiver that never answers (DELIVERY_TIMEOUT_SECONDS=2), against the same with no channel.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


class Receiver:
    """Counts deliveries by webhook-id and when each first arrived; `hang` never answers."""

    def __init__(self, *, hang: bool = False) -> None:
        self.first_seen: dict[str, float] = {}
        self.duplicates = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                webhook_id = self.headers.get("webhook-id", "")
                with receiver.lock:
                    if webhook_id in receiver.first_seen:
                        receiver.duplicates += 1
                    else:
                        receiver.first_seen[webhook_id] = time.time()
                if hang:
                    time.sleep(3600)
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 128
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def make_due(count: int, due_at: datetime, *, spread_s: float = 0.0, prefix: str = "t") -> dict:
    """`count` in-progress tasks on the default board, due from `due_at` over `spread_s`; their due
    times by id."""
    from boards.access import default_board
    from tasks.models import Task, TaskStatus

    board = default_board()
    tasks = Task.objects.bulk_create(
        [
            Task(
                board=board,
                name=f"{prefix}{n}",
                status=TaskStatus.IN_PROGRESS,
                interval_minutes=600,
                last_ping=due_at - timedelta(hours=10),
                next_reminder_at=due_at + timedelta(seconds=spread_s * n / max(1, count)),
            )
            for n in range(count)
        ],
        batch_size=500,
    )
    return {task.pk: task.next_reminder_at for task in tasks}


def percentiles(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "p99": values[max(0, int(len(values) * 0.99) - 1)],
        "max": values[-1],
    }


def start_loop(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_reminders", "--max-sleep", "0.2"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_loop(loop: subprocess.Popen) -> None:
    loop.terminate()
    try:
        loop.wait(timeout=15)
    except subprocess.TimeoutExpired:
        loop.kill()
        loop.wait()


def run_loop(env: dict, until, timeout: float) -> float:
    loop = start_loop(env)
    started = time.monotonic()
    try:
        while not until() and time.monotonic() - started < timeout:
            time.sleep(0.05)
    finally:
        stop_loop(loop)
    return time.monotonic() - started


def reminder_lateness(due: dict) -> dict:
    from notifications.models import Notification

    created = dict(
        Notification.objects.filter(task_id__in=list(due)).values_list("task_id", "created_at")
    )
    return percentiles(
        [max(0.0, (created[pk] - due[pk]).total_seconds()) for pk in due if pk in created]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="bench-delivery-")
    database_url = options.database_url or f"sqlite:///{scratch}/bench_delivery.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-not-secret"),
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "PYTHONPATH": str(BASE_DIR),
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:1/0"),
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "DELIVERY_WORKER_THREADS": str(options.threads),
        "DELIVERY_TIMEOUT_SECONDS": "2",
        "DELIVERY_LEASE_SECONDS": "30",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from boards.access import default_board
    from boards.models import Membership, Role
    from notifications.channel_services import channel_create
    from notifications.models import (
        Channel,
        Delivery,
        DeliveryAttempt,
        DeliveryStatus,
        Notification,
    )
    from reminders.sweep import send_due_reminders

    call_command("migrate", verbosity=0)
    count = options.reminders
    person = get_user_model().objects.create_user("bench-person")
    Membership.objects.create(board=default_board(), user=person, role=Role.EDITOR)
    print(f"{connection.vendor}, {count:,} reminders, {options.threads} sender threads")

    # 1. The sweep's own figures, without and with the outbox's rows.
    make_due(count, timezone.now() - timedelta(seconds=1), prefix="plain")
    started = time.perf_counter()
    assert send_due_reminders() == count
    plain_s = time.perf_counter() - started
    receiver = Receiver()
    channel = channel_create(user=person, kind="webhook", target=receiver.url)
    make_due(count, timezone.now() - timedelta(seconds=1), prefix="fan")
    started = time.perf_counter()
    assert send_due_reminders() == count
    fanout_s = time.perf_counter() - started
    assert Delivery.objects.count() == count
    print(f"sweep, {count:,} reminders, no channel:                 {plain_s:.3f} s")
    print(f"sweep, {count:,} reminders + {count:,} deliveries written: {fanout_s:.3f} s")

    # 2. Sending them.
    connection.close()
    elapsed = run_loop(env, lambda: len(receiver.first_seen) >= count, timeout=600)
    sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    created = dict(Delivery.objects.values_list("pk", "notification__created_at"))
    lateness = percentiles(
        [at - created[int(pk)].timestamp() for pk, at in receiver.first_seen.items()]
    )
    print(
        f"sent {sent:,}/{count:,} in {elapsed:.1f} s ({sent / elapsed:,.0f}/s, loop start included); "
        f"receiver saw {len(receiver.first_seen):,} ids, {receiver.duplicates} duplicates"
    )
    print(
        "delivery lateness (received - notification time): "
        f"p50 {lateness['p50']:.2f} s, p99 {lateness['p99']:.2f} s, max {lateness['max']:.2f} s"
    )

    # 3. Reminder lateness while a receiver hangs: the loop runs first, then reminders fall due.
    Channel.objects.filter(pk=channel.pk).update(enabled=False)
    Notification.objects.all().delete()
    connection.close()
    hanging = Receiver(hang=True)
    figures = {}
    for phase in ("calm", "hung"):
        if phase == "hung":
            channel_create(user=person, kind="webhook", target=hanging.url)
        loop = start_loop(env)
        try:
            time.sleep(5)  # the loop is up
            due = make_due(1000, timezone.now() + timedelta(seconds=1), spread_s=5, prefix=phase)
            deadline = time.monotonic() + 60
            while (
                Notification.objects.filter(task_id__in=list(due)).count() < 1000
                and time.monotonic() < deadline
            ):
                time.sleep(0.1)
            time.sleep(2)
        finally:
            stop_loop(loop)
        figures[phase] = reminder_lateness(due)
    calm, hung = figures["calm"], figures["hung"]
    attempts = DeliveryAttempt.objects.filter(delivery__channel__target=hanging.url).count()
    print(
        f"reminder lateness, 1,000 due over 5 s, no channel:          p50 {calm['p50']:.3f} s, "
        f"p99 {calm['p99']:.3f} s, max {calm['max']:.3f} s"
    )
    print(
        f"reminder lateness, same, each delivery to a hung receiver: p50 {hung['p50']:.3f} s, "
        f"p99 {hung['p99']:.3f} s, max {hung['max']:.3f} s ({len(hanging.first_seen)} requests "
        f"hung, {attempts} attempts timed out meanwhile)"
    )
    print(f"started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
