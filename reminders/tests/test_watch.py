"""reminders.watch: the loop's pass over stalled heartbeats, expired claims and old keys."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from notifications.models import Notification, NotificationType
from reminders import jobs
from reminders.watch import seconds_until_next_watch, watch_pass
from tasks.claims import task_claim
from tasks.heartbeats import task_ping
from tasks.models import Task, TaskStatus
from tasks.tests.agents import agent_board, board_task, bot_client

pytestmark = pytest.mark.django_db


def test_a_pass_marks_stalls_and_expires_leases():
    board = agent_board()
    agent = bot_client(board, "agent-1")
    stalling = board_task(board, "silent", status=TaskStatus.IN_PROGRESS, interval_minutes=1)
    task_ping(task=stalling, now=stalling.last_ping)
    leased = board_task(board, "leased")
    task_claim(task=leased, actor=agent.user, lease_minutes=1)
    done = watch_pass(now=stalling.last_ping + timedelta(minutes=10))
    assert (done["stalled"], done["leases_expired"]) == (1, 1)
    assert Task.objects.get(pk=leased.pk).claimed_by_id is None


def test_the_loop_sleeps_until_the_next_stall():
    task = board_task(agent_board(), status=TaskStatus.IN_PROGRESS, interval_minutes=1)
    task_ping(task=task, now=task.last_ping)
    stall_at = Task.objects.get(pk=task.pk).stalls_at
    assert seconds_until_next_watch(max_seconds=600, now=stall_at - timedelta(seconds=20)) == 20


def test_the_job_and_the_command_run_the_watch_pass():
    task = board_task(agent_board(), status=TaskStatus.IN_PROGRESS, grace_minutes=0)
    task_ping(task=task, now=task.last_ping - timedelta(hours=2))
    jobs.send_due_reminders()
    assert Notification.objects.filter(notification_type=NotificationType.ESCALATION).count() == 1
    Task.objects.filter(pk=task.pk).update(stalled=False)
    task_ping(task=Task.objects.get(pk=task.pk), now=task.last_ping - timedelta(hours=2))
    call_command("run_reminders", "--once")
    assert Notification.objects.filter(notification_type=NotificationType.ESCALATION).count() == 2
