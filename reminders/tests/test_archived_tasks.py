"""An archived (deleted) task gets no reminder of any kind: interval, due date, stall, escalation;
restored, it is reminded again."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Notification
from reminders.due import send_due_date_reminders
from reminders.sweep import next_reminder_at, send_due_reminders
from reminders.watch import watch_pass
from tasks.heartbeats import task_ping
from tasks.models import Task, TaskStatus
from tasks.services import task_archive, task_create, task_restore

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=2)


def in_progress(**fields) -> Task:
    return task_create(
        name="Deploy", status=TaskStatus.IN_PROGRESS, interval_minutes=10, now=T0, **fields
    )


def test_an_archived_task_gets_no_interval_reminder():
    task_archive(task=in_progress(), now=T0)
    assert send_due_reminders(now=LATER) == 0
    assert next_reminder_at() is None  # the loop does not wake for it either
    assert not Notification.objects.exists()


def test_an_archived_task_gets_no_due_date_reminder():
    task_archive(task=task_create(name="Report", due_date=T0, now=T0), now=T0)
    assert send_due_date_reminders(now=LATER) == 0
    assert not Notification.objects.exists()


def test_an_archived_heartbeat_task_never_stalls():
    task = in_progress()
    task_ping(task=task, now=T0)
    task_archive(task=task, now=T0)
    assert watch_pass(now=LATER)["stalled"] == 0
    assert Task.all_objects.get(pk=task.pk).stalled is False
    assert not Notification.objects.exists()


def test_a_restored_task_is_reminded_again():
    task = in_progress()
    task_archive(task=task, now=T0)
    task_restore(task=task, now=T0)
    assert send_due_reminders(now=LATER) == 1


def test_the_loop_pass_purges_archived_tasks_past_the_retention(settings):
    settings.ARCHIVE_RETENTION_DAYS = 30
    task_archive(task=in_progress(), now=T0)
    assert watch_pass(now=T0 + timedelta(days=29))["archived_purged"] == 0
    assert watch_pass(now=T0 + timedelta(days=30))["archived_purged"] == 1
    assert not Task.all_objects.exists()
