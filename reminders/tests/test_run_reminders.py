"""`manage.py run_reminders`: one pass, the loop's signals, early wake-up through Redis, outages."""

import logging
import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from boards.access import default_board
from notifications.models import Notification
from reminders.models import LastPass
from reminders.tests.reminder_factories import make_due_tasks
from reminders.tests.reminder_processes import Process, django_env
from tasks.models import MIN_INTERVAL_MINUTES, Task, TaskStatus
from tasks.services import task_create


def run_reminders(*args: str, **env: str) -> Process:
    return Process(["manage.py", "run_reminders", *args], django_env(**env))


@pytest.mark.django_db
def test_once_sends_what_is_due_and_logs_one_line(caplog):
    make_due_tasks(2)
    with caplog.at_level(logging.INFO, logger="reminders.run_reminders"):
        call_command("run_reminders", "--once")
    assert Notification.objects.count() == 2
    assert [record.getMessage() for record in caplog.records][0].startswith("sent 2 reminders in ")


@pytest.mark.django_db
def test_a_pass_with_nothing_due_logs_nothing(caplog):
    with caplog.at_level(logging.INFO, logger="reminders.run_reminders"):
        call_command("run_reminders", "--once")
    assert caplog.records == []


# A loop whose first batch is interrupted by SIGTERM right after writing its reminders.
SIGTERM_IN_FIRST_BATCH = """
import os, signal, django
django.setup()
from django.core.management import call_command
from reminders import sweep
write_reminders = sweep.notifications_create_reminders
def write_then_get_sigterm(**arguments):
    created = write_reminders(**arguments)
    os.kill(os.getpid(), signal.SIGTERM)
    return created
sweep.notifications_create_reminders = write_then_get_sigterm
call_command("run_reminders", "--batch-size", "2")
"""


@pytest.mark.django_db(transaction=True)
def test_sigterm_finishes_the_current_batch_and_exits_zero():
    make_due_tasks(5)
    loop = Process(["-c", SIGTERM_IN_FIRST_BATCH], django_env())
    try:
        assert loop.finish() == 0, loop.output()
    finally:
        loop.kill()
    assert Notification.objects.count() == 2  # the batch in hand committed, no further batch began
    assert "SIGTERM received" in loop.output()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_while_waiting_exits_zero(stop_signal):
    loop = run_reminders("--max-sleep", "300")
    try:
        loop.wait_for("Redis unavailable, reminders run by timer only")
        loop.popen.send_signal(stop_signal)
        assert loop.finish() == 0, loop.output()
    finally:
        loop.kill()


def remind_a_new_task_then_stop(loop: Process, *, ready: str) -> None:
    """Once `loop` logs `ready`: create a task due in 3 s, wait for its reminder, SIGTERM the loop
    and check it exits 0."""
    try:
        loop.wait_for(ready)
        # Not sooner: the SIGTERM must land before the second reminder falls due, on a busy machine too.
        task_create(name="Quick", status=TaskStatus.IN_PROGRESS, interval_minutes=0.05)
        loop.wait_for("sent 1 reminder in")
        loop.popen.send_signal(signal.SIGTERM)
        assert loop.finish() == 0, loop.output()
    finally:
        loop.kill()


@pytest.mark.django_db(transaction=True)
def test_a_task_change_wakes_the_loop_through_redis(redis_connection):
    # The timer alone would wait 300 s; the task.created event must wake the loop instead.
    loop = run_reminders("--max-sleep", "300", REDIS_URL=django_settings.REDIS_URL)
    remind_a_new_task_then_stop(loop, ready="listening for task changes")
    assert Notification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_task_changes_that_bring_nothing_due_run_no_pass(redis_connection):
    # Under write load every create and move is a change; each one used to cost a whole pass.
    loop = run_reminders(
        "--max-sleep", "300", REDIS_URL=django_settings.REDIS_URL, LOG_LEVEL="DEBUG"
    )
    try:
        loop.wait_for("listening for task changes")
        loop.wait_for("a task changed: next pass in")  # the listener's own wake-up on connecting
        first_pass = LastPass.objects.get()
        for number in range(10):
            task_create(name=f"Hourly {number}", status=TaskStatus.IN_PROGRESS, interval_minutes=60)
        # At least one more re-read after the creates (they may settle into a single one).
        loop.wait_for("a task changed: next pass in", occurrence=2)
        assert LastPass.objects.get().at == first_pass.at  # re-read the due times, sent nothing
        assert Notification.objects.count() == 0
        loop.popen.send_signal(signal.SIGTERM)
        assert loop.finish() == 0, loop.output()
    finally:
        loop.kill()


@pytest.mark.django_db(transaction=True)
def test_without_redis_the_loop_still_finds_new_work_by_its_timer():
    loop = run_reminders("--max-sleep", "1")  # REDIS_URL points where nothing listens
    remind_a_new_task_then_stop(loop, ready="Redis unavailable, reminders run by timer only")


def test_the_loop_recovers_without_restart_when_the_database_comes_back(tmp_path):
    database = tmp_path / "tasks.db"
    database.mkdir()  # a directory where the database file belongs: every pass fails
    env = django_env(DATABASE_URL=f"sqlite:///{database}")
    loop = Process(["manage.py", "run_reminders", "--max-sleep", "1"], env)
    try:
        loop.wait_for("reminder pass failed")
        database.rmdir()
        for script in (
            "from django.core.management import call_command; call_command('migrate', verbosity=0)",
            "from tasks.services import task_create; "
            "task_create(name='Back', status='in_progress', interval_minutes=1 / 60)",
        ):
            setup = Process(["-c", f"import django; django.setup(); {script}"], env)
            assert setup.finish() == 0, setup.output()
        loop.wait_for("reminder passes recovered")
        loop.wait_for("sent 1 reminder in")
        loop.popen.send_signal(signal.SIGTERM)
        assert loop.finish() == 0, loop.output()
    finally:
        loop.kill()


def test_database_outage_is_logged_and_retried_without_exiting():
    loop = run_reminders(DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing")
    try:
        loop.wait_for("reminder pass failed")
        loop.wait_for("retrying in 2 s")  # backing off, still running
        loop.popen.send_signal(signal.SIGTERM)
        assert loop.finish() == 0, loop.output()
    finally:
        loop.kill()


FLOOR_TASKS = 1000


def reminder_times(task: Task) -> list[datetime]:
    return list(
        Notification.objects.filter(task=task)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_a_thousand_tasks_at_the_floor_do_not_starve_a_normal_reminder():
    # The attack: many tasks reminded every second (the floor) beside one ordinary task.
    # Every pass must end (it never re-claims what it rescheduled) so the ordinary one stays on time.
    loop = run_reminders("--max-sleep", "1")
    try:
        loop.wait_for("Redis unavailable")  # the loop is up
        now = datetime.now(UTC)
        board = default_board()
        Task.objects.bulk_create(
            Task(
                board=board,
                name=f"flood {n}",
                status=TaskStatus.IN_PROGRESS,
                interval_minutes=MIN_INTERVAL_MINUTES,
                last_ping=now,
                next_reminder_at=now + timedelta(seconds=1),
            )
            for n in range(FLOOR_TASKS)
        )
        normal = task_create(name="Normal", status=TaskStatus.IN_PROGRESS, interval_minutes=0.05)
        first_due = normal.next_reminder_at
        deadline = time.monotonic() + 60
        while len(reminder_times(normal)) < 3 and time.monotonic() < deadline:
            time.sleep(0.5)
        loop.popen.send_signal(signal.SIGTERM)
        assert loop.finish() == 0, loop.output()
    finally:
        loop.kill()

    sent = reminder_times(normal)
    assert len(sent) >= 3, loop.output()
    # Each reminder falls due an interval (3 s) after the one before; each went out within 1 s.
    due = [first_due] + [moment + normal.interval for moment in sent[:-1]]
    lateness = [
        (moment - due_at).total_seconds() for moment, due_at in zip(sent, due, strict=False)
    ]
    assert all(0 <= late <= 1.0 for late in lateness), lateness
    # No floor task was reminded twice within a second: no pass re-claimed what it had rescheduled.
    flood = Notification.objects.exclude(task=normal).order_by("task_id", "created_at")
    previous: dict[int, datetime] = {}
    for task_id, moment in flood.values_list("task_id", "created_at"):
        if task_id in previous:
            assert moment - previous[task_id] >= timedelta(seconds=1)
        previous[task_id] = moment
    assert len(previous) == FLOOR_TASKS
