from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Notification, NotificationType
from tasks.models import Task, TaskStatus
from tasks.services import task_create, task_delete, task_update
from tasks.tests.ordering import column_names

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def test_create_pings_the_task_and_trims_its_name():
    task = task_create(name="  Nightly backup  ", now=T0)
    assert task.name == "Nightly backup"
    assert task.last_ping == T0
    assert task.created_at == T0
    assert task.next_reminder_at is None


def test_create_in_progress_schedules_the_first_reminder():
    task = task_create(name="Deploy", status=TaskStatus.IN_PROGRESS, interval_minutes=15, now=T0)
    assert task.next_reminder_at == T0 + timedelta(minutes=15)


def test_entering_in_progress_pings_and_schedules():
    task = task_create(name="Deploy", interval_minutes=30, now=T0)
    later = T0 + timedelta(hours=2)
    task_update(task=task, status=TaskStatus.IN_PROGRESS, now=later)
    task.refresh_from_db()
    assert task.last_ping == later
    assert task.next_reminder_at == later + timedelta(minutes=30)


def test_leaving_in_progress_clears_the_schedule():
    task = task_create(name="Deploy", status=TaskStatus.IN_PROGRESS, now=T0)
    task_update(task=task, status=TaskStatus.TODO, now=T0 + timedelta(minutes=1))
    task.refresh_from_db()
    assert task.next_reminder_at is None
    assert task.last_ping == T0 + timedelta(minutes=1)


def test_done_creates_one_completion_notification():
    task = task_create(name="Deploy", status=TaskStatus.IN_PROGRESS, now=T0)
    task_update(task=task, status=TaskStatus.DONE, now=T0)
    task_update(task=task, status=TaskStatus.DONE, now=T0)  # already done: not a change
    notification = Notification.objects.get()
    assert notification.notification_type == NotificationType.COMPLETION
    assert notification.message == "Task 'Deploy' has been completed!"
    assert notification.task_id == task.pk
    assert notification.task_name == "Deploy"


def test_same_status_again_does_not_ping():
    task = task_create(name="Deploy", status=TaskStatus.IN_PROGRESS, now=T0)
    task_update(task=task, status=TaskStatus.IN_PROGRESS, now=T0 + timedelta(minutes=5))
    task.refresh_from_db()
    assert task.last_ping == T0


def test_editing_the_interval_reschedules_from_the_last_ping():
    task = task_create(name="Deploy", status=TaskStatus.IN_PROGRESS, now=T0)
    task_update(task=task, interval_minutes=5, now=T0 + timedelta(minutes=1))
    task.refresh_from_db()
    assert task.next_reminder_at == T0 + timedelta(minutes=5)


def test_editing_details_of_a_todo_task_keeps_it_unscheduled():
    task = task_create(name="Deploy", now=T0)
    task_update(task=task, name="Deploy v2", description="prod", interval_minutes=5)
    task.refresh_from_db()
    assert (task.name, task.description, task.next_reminder_at) == ("Deploy v2", "prod", None)


def test_new_tasks_go_to_the_end_of_their_column():
    task_create(name="a"), task_create(name="b")
    assert column_names("todo") == ["a", "b"]


def test_move_to_a_place_in_another_column_writes_only_the_moved_card():
    a = task_create(name="a", status=TaskStatus.DONE)
    b = task_create(name="b", status=TaskStatus.DONE)
    moving = task_create(name="moving")
    task_update(task=moving, status=TaskStatus.DONE, position=1)
    assert column_names("done") == ["a", "moving", "b"]
    assert [a.rank, b.rank] == [Task.objects.get(pk=pk).rank for pk in (a.pk, b.pk)]


def test_delete_keeps_the_notification_history():
    task = task_create(name="Deploy", status=TaskStatus.DONE)
    task_delete(task=task)
    notification = Notification.objects.get()
    assert notification.task_id is None
    assert notification.task_name == "Deploy"
