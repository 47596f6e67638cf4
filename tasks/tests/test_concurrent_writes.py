"""Writers racing each other on PostgreSQL, where row locks (not one database-wide write lock, as on
SQLite) decide who waits: found by bench/load.py and bench/faults.py, kept here as regressions."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notifications_create_reminders
from reminders.sweep import due_tasks
from tasks.models import Task
from tasks.services import task_create, task_delete, task_update

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def join_all(threads: list[threading.Thread], timeout: float) -> None:
    """Wait for `threads`; one still running after `timeout` is a hang, and fails the test (a join
    with a timeout returns either way)."""
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    hung = [thread.name for thread in threads if thread.is_alive()]
    assert hung == [], f"still running after {timeout:.0f} s: {hung}"


def in_threads(work, arguments: list) -> list[BaseException]:
    """Run `work(argument)` in one thread per argument, each with its own connection; the errors."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(arguments))

    def run(argument) -> None:
        try:
            start.wait()
            work(argument)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    # Daemons, so that a hung one cannot keep the test run from exiting after it fails.
    threads = [
        threading.Thread(target=run, args=(argument,), daemon=True) for argument in arguments
    ]
    for thread in threads:
        thread.start()
    join_all(threads, timeout=60)
    return errors


def test_concurrent_moves_into_one_column_never_deadlock():
    tasks = [task_create(name=f"Card {n}") for n in range(8)]

    def shuffle(task: Task) -> None:
        for round_number in range(15):
            status = ["in_progress", "done", "todo"][round_number % 3]
            task_update(task=Task.objects.get(pk=task.pk), status=status, position=0)

    assert in_threads(shuffle, tasks) == []
    assert Task.objects.count() == 8


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Activity is read once per transaction unless the snapshot is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_deleting_a_task_while_a_sweep_reminds_it_keeps_the_reminder_unlinked():
    task = task_create(name="Nightly backup", status="in_progress", interval_minutes=0.01)
    later = timezone.now() + timezone.timedelta(minutes=1)
    errors: list[BaseException] = []

    def delete() -> None:
        try:
            task_delete(task=Task.objects.get(pk=task.pk))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    deleter = threading.Thread(target=delete, daemon=True)
    # The sweep's own steps, in a transaction held open: claim the due task, write its reminder.
    with transaction.atomic():
        claimed = list(due_tasks(later).select_for_update(skip_locked=True))
        notifications_create_reminders(tasks=claimed, now=later)
        deleter.start()
        deadline = time.monotonic() + 30
        while not _waiting_for_a_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert deleter.is_alive()  # the delete waits for the sweep's row lock
    join_all([deleter], timeout=30)

    assert errors == []
    assert not Task.objects.filter(pk=task.pk).exists()
    reminder = Notification.objects.get(notification_type="reminder")
    assert (reminder.task_id, reminder.task_name) == (None, "Nightly backup")
