"""Due-date reminders (reminders.due): "due soon" N hours before, "overdue" once it passes."""

from datetime import UTC, datetime, timedelta

import pytest

from boards.access import default_board
from boards.models import Board
from notifications.models import Notification, NotificationType
from reminders.due import send_due_date_reminders
from reminders.sweep import send_due_reminders
from reminders.tests.reminder_processes import Process, django_env
from tasks import ranks
from tasks.models import Task
from tasks.services import task_create, task_update

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def hours(count: float) -> timedelta:
    return timedelta(hours=count)


def reminders_of(task: Task) -> list[str]:
    return list(
        Notification.objects.filter(task=task, notification_type=NotificationType.REMINDER)
        .order_by("id")
        .values_list("message", flat=True)
    )


def remind_before(hours_before: float) -> None:
    Board.objects.filter(pk=default_board().pk).update(remind_hours_before_due=hours_before)


@pytest.mark.django_db
def test_a_task_not_yet_due_gets_no_reminder():
    task = task_create(name="Report", due_date=T0 + hours(1), now=T0)
    assert send_due_date_reminders(now=T0) == 0
    assert reminders_of(task) == []


@pytest.mark.django_db
def test_an_overdue_task_is_reminded_once():
    task = task_create(name="Report", due_date=T0, now=T0 - hours(5))
    send_due_date_reminders(now=T0 + hours(1))
    send_due_date_reminders(now=T0 + hours(2))
    assert reminders_of(task) == [
        f"Task 'Report' (ID: {task.pk}) is overdue: it was due 2026-03-02 09:00 UTC."
    ]


@pytest.mark.django_db
def test_the_sweep_sends_due_date_reminders_too():
    task = task_create(name="Report", due_date=T0, now=T0 - hours(5))
    assert send_due_reminders(now=T0 + hours(1)) == 1
    assert len(reminders_of(task)) == 1


@pytest.mark.django_db
def test_a_done_task_is_not_reminded():
    task = task_create(name="Report", status="done", due_date=T0, now=T0 - hours(5))
    send_due_date_reminders(now=T0 + hours(1))
    assert reminders_of(task) == []


@pytest.mark.django_db
def test_a_task_reopened_after_its_due_date_passed_while_done_is_reminded():
    task = task_create(name="Report", status="done", due_date=T0, now=T0 - hours(5))
    send_due_date_reminders(now=T0 + hours(1))
    task_update(task=task, status="in_progress", now=T0 + hours(2))
    send_due_date_reminders(now=T0 + hours(3))
    send_due_date_reminders(now=T0 + hours(4))
    assert reminders_of(task) == [
        f"Task 'Report' (ID: {task.pk}) is overdue: it was due 2026-03-02 09:00 UTC."
    ]


@pytest.mark.django_db
def test_moving_between_open_columns_does_not_repeat_a_due_date_reminder():
    task = task_create(name="Report", due_date=T0, now=T0 - hours(5))
    send_due_date_reminders(now=T0 + hours(1))
    task_update(task=task, status="in_progress", now=T0 + hours(2))
    send_due_date_reminders(now=T0 + hours(3))
    assert len(reminders_of(task)) == 1


@pytest.mark.django_db
def test_the_board_setting_reminds_hours_before_due_once():
    remind_before(2)
    task = task_create(name="Report", due_date=T0, now=T0 - hours(5))
    send_due_date_reminders(now=T0 - hours(3))
    assert reminders_of(task) == []
    send_due_date_reminders(now=T0 - hours(2))
    send_due_date_reminders(now=T0 - hours(1))
    assert reminders_of(task) == [f"Task 'Report' (ID: {task.pk}) is due 2026-03-02 09:00 UTC."]


@pytest.mark.django_db
def test_without_the_board_setting_there_is_no_reminder_before_due():
    task = task_create(name="Report", due_date=T0, now=T0 - hours(5))
    send_due_date_reminders(now=T0 - hours(1))
    assert reminders_of(task) == []


@pytest.mark.django_db
def test_a_new_due_date_gets_its_own_reminder():
    task = task_create(name="Report", due_date=T0, now=T0 - hours(5))
    send_due_date_reminders(now=T0 + hours(1))
    task_update(task=task, due_date=T0 + hours(3), now=T0 + hours(1))
    send_due_date_reminders(now=T0 + hours(4))
    assert len(reminders_of(task)) == 2


@pytest.mark.django_db
def test_overdue_reminders_go_to_the_assignees(user):
    task = task_create(name="Report", due_date=T0, assignees=["alice"], now=T0 - hours(5))
    send_due_date_reminders(now=T0 + hours(1))
    notification = Notification.objects.get(task=task)
    assert list(notification.inbox_entries.values_list("user__username", flat=True)) == ["alice"]


SWEEPER = """
import sys, django
django.setup()
from reminders.due import send_due_date_reminders
print("ready", flush=True)
sys.stdin.readline()
print("sent", send_due_date_reminders(batch_size=20), flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweepers_send_one_overdue_reminder_per_task():
    # PostgreSQL claims with SKIP LOCKED; SQLite serialises the IMMEDIATE transactions.
    board = default_board()
    past = datetime.now(UTC) - hours(1)
    tasks = Task.objects.bulk_create(
        Task(board=board, name=f"task {n}", due_date=past, rank=rank)
        for n, rank in enumerate(ranks.spread(300))
    )
    sweepers = [Process(["-c", SWEEPER], django_env()) for _ in range(4)]
    try:
        for sweeper in sweepers:
            sweeper.wait_for("ready")
        for sweeper in sweepers:
            sweeper.send("go\n")
        for sweeper in sweepers:
            assert sweeper.finish() == 0, sweeper.output()
    finally:
        for sweeper in sweepers:
            sweeper.kill()
    per_task = {}
    for task_id in Notification.objects.values_list("task_id", flat=True):
        per_task[task_id] = per_task.get(task_id, 0) + 1
    assert per_task == dict.fromkeys([task.pk for task in tasks], 1)
