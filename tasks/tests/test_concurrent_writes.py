"""Writers racing each other on PostgreSQL, where row locks (not one database-wide write lock, as on
SQLite) decide who waits: found by bench/load.py and bench/faults.py, kept here as regressions."""

import random
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notifications_create_reminders
from reminders.sweep import due_tasks
from tasks import ranks
from tasks.models import Task
from tasks.services import task_archive, task_create, task_delete, task_update

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


def ranks_of(status: str) -> list[str]:
    return list(Task.objects.filter(status=status).order_by("rank").values_list("rank", flat=True))


def test_concurrent_moves_inside_one_column_keep_every_card_once():
    tasks = [task_create(name=f"Card {n}") for n in range(8)]
    ids = [task.pk for task in tasks]

    def reorder(task: Task) -> None:
        rng = random.Random(task.pk)
        for _ in range(15):
            anchor = rng.choice([pk for pk in ids if pk != task.pk])
            place = {rng.choice(["before", "after"]): anchor}
            task_update(task=Task.objects.get(pk=task.pk), status="todo", **place)

    assert in_threads(reorder, tasks[:6]) == []
    column = list(Task.objects.filter(status="todo").values_list("pk", "rank"))
    assert sorted(pk for pk, _ in column) == sorted(ids)
    assert len({rank for _, rank in column}) == 8


def test_concurrent_appends_to_one_column_keep_each_writers_order():
    def append(writer: int) -> None:
        for number in range(10):
            task_create(name=f"{writer}-{number}")

    assert in_threads(append, list(range(8))) == []
    names = list(Task.objects.order_by("rank").values_list("name", flat=True))
    assert len(names) == len(set(ranks_of("todo"))) == 80
    for writer in range(8):
        assert [n for n in names if n.startswith(f"{writer}-")] == [
            f"{writer}-{n}" for n in range(10)
        ]


def test_moves_into_a_dense_gap_while_it_is_respaced_lose_nothing(monkeypatch):
    # A low threshold, reached after a few dozen inserts into one gap (the real one takes ~150).
    monkeypatch.setattr(ranks, "RESPACE_LENGTH", 12)
    top = task_create(name="top")
    task_create(name="bottom")
    movers = [task_create(name=f"mover {n}", status="done") for n in range(4)]

    def squeeze(task: Task) -> None:
        # Always right below the top card: ranks grow long, and commits respace the column.
        for round_number in range(30):
            current = Task.objects.get(pk=task.pk)
            if round_number % 2 == 0:
                task_update(task=current, status="todo", after=top.pk)
            else:
                task_update(task=current, status="in_progress")

    assert in_threads(squeeze, movers) == []
    names = list(Task.objects.filter(status="todo").order_by("rank").values_list("name", flat=True))
    assert (names[0], names[-1]) == ("top", "bottom")
    assert Task.objects.count() == 6
    assert len(set(ranks_of("todo"))) == len(ranks_of("todo"))
    assert max(len(rank) for rank in ranks_of("todo")) <= ranks.RESPACE_LENGTH


def test_a_placement_held_open_blocks_no_other_placement_in_any_column():
    top = task_create(name="top")
    done: list[str] = []

    def place_elsewhere(status: str) -> None:
        task_create(name=f"new in {status}", status=status)
        done.append(status)

    with transaction.atomic():
        task_create(name="held open", before=top.pk)  # holds its column's order lock until commit
        errors = in_threads(place_elsewhere, ["todo", "in_progress", "done"])
        assert sorted(done) == ["done", "in_progress", "todo"]  # all committed meanwhile
    assert errors == []


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
    task = task_create(name="Nightly backup", status="in_progress", interval_minutes=1 / 60)
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


def test_archiving_a_task_a_sweep_holds_waits_and_the_next_sweep_skips_it():
    task = task_create(name="Nightly backup", status="in_progress", interval_minutes=1 / 60)
    later = timezone.now() + timezone.timedelta(minutes=1)
    errors: list[BaseException] = []

    def archive() -> None:
        try:
            task_archive(task=Task.objects.get(pk=task.pk))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    archiver = threading.Thread(target=archive, daemon=True)
    with transaction.atomic():
        claimed = list(due_tasks(later).select_for_update(skip_locked=True))
        notifications_create_reminders(tasks=claimed, now=later)
        archiver.start()
        deadline = time.monotonic() + 30
        while not _waiting_for_a_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert archiver.is_alive()  # the archive waits for the sweep's row lock
    join_all([archiver], timeout=30)

    assert errors == []
    assert list(due_tasks(later + timezone.timedelta(minutes=5))) == []
    assert Notification.objects.get(notification_type="reminder").task_id == task.pk


def test_of_two_concurrent_archives_exactly_one_succeeds():
    task = task_create(name="Nightly backup")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def archive() -> None:
        try:
            barrier.wait(timeout=10)
            task_archive(task=task)
            outcomes.append("archived")
        except Task.DoesNotExist:
            outcomes.append("not found")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=archive, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    join_all(threads, timeout=30)
    assert sorted(outcomes) == ["archived", "not found"]
