"""Pings: /tasks/{id}/ping, /ping/start, /ping/success, /ping/fail, and the stall sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from boards.models import Role
from notifications.models import Notification, NotificationType
from reminders.sweep import send_due_reminders
from tasks.heartbeats import mark_stalled, task_ping
from tasks.models import PING_LOG_MAX_BYTES, PingKind, PingLog, Task, TaskStatus
from tasks.tests.agents import agent_board, board_task, bot_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return agent_board()


@pytest.fixture
def bot(board):
    return bot_client(board)


@pytest.fixture
def running(board):
    return board_task(board, status=TaskStatus.IN_PROGRESS, interval_minutes=10, grace_minutes=5)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_ping_answers_ok_as_plain_text(bot, running, method):
    response = getattr(bot, method)(f"/tasks/{running.pk}/ping")
    assert response.status_code == 200
    assert response.content == b"OK"
    assert response["Content-Type"].startswith("text/plain")


def test_a_ping_sets_last_ping_and_moves_the_reminder(bot, running):
    before = timezone.now()
    bot.post(f"/tasks/{running.pk}/ping")
    task = Task.objects.get(pk=running.pk)
    assert task.last_ping >= before
    assert task.next_reminder_at == task.last_ping + timedelta(minutes=10)
    assert task.stalls_at == task.last_ping + timedelta(minutes=15)


def test_a_plain_ping_writes_no_log_row(bot, running):
    bot.get(f"/tasks/{running.pk}/ping/")
    assert not PingLog.objects.exists()


def test_a_task_that_keeps_pinging_is_not_reminded(running):
    start = running.last_ping
    for minute in (8, 16, 24):
        task_ping(task=running, now=start + timedelta(minutes=minute))
        send_due_reminders(now=start + timedelta(minutes=minute + 1))
    assert not Notification.objects.filter(notification_type=NotificationType.REMINDER).exists()


def test_reminders_resume_when_pings_stop(running):
    start = running.last_ping
    task_ping(task=running, now=start + timedelta(minutes=8))
    assert send_due_reminders(now=start + timedelta(minutes=17)) == 0
    assert send_due_reminders(now=start + timedelta(minutes=18)) == 1


def test_start_moves_the_task_to_in_progress_and_logs(bot, board):
    task = board_task(board)
    assert bot.post(f"/tasks/{task.pk}/ping/start").status_code == 200
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert PingLog.objects.get().kind == PingKind.START


def test_success_moves_the_task_to_done_with_its_log(bot, running):
    response = bot.generic("POST", f"/tasks/{running.pk}/ping/success", b"all 42 files copied")
    assert response.status_code == 200
    running.refresh_from_db()
    assert running.status == TaskStatus.DONE
    log = PingLog.objects.get()
    assert (log.kind, log.body) == (PingKind.SUCCESS, "all 42 files copied")


def test_fail_keeps_in_progress_marks_failed_and_escalates_once(bot, running):
    response = bot.generic(
        "POST", f"/tasks/{running.pk}/ping/fail?exit=2", b"disk full", content_type="text/plain"
    )
    assert response.status_code == 200
    answer = bot.get(f"/tasks/{running.pk}").json()
    assert (answer["status"], answer["failed"], answer["last_exit_status"]) == (
        "in_progress",
        True,
        2,
    )
    log = PingLog.objects.get()
    assert (log.kind, log.exit_status, log.body) == (PingKind.FAIL, 2, "disk full")
    escalation = Notification.objects.get(notification_type=NotificationType.ESCALATION)
    assert "exit status 2" in escalation.message


def test_fail_by_get_with_exit_status(bot, running):
    assert bot.get(f"/tasks/{running.pk}/ping/fail?exit=3").status_code == 200
    assert PingLog.objects.get().exit_status == 3


def test_a_plain_ping_with_a_nonzero_exit_is_a_fail(bot, running):
    bot.get(f"/tasks/{running.pk}/ping?exit=1")
    assert Task.objects.get(pk=running.pk).failed


def test_the_next_ping_clears_failed(bot, running):
    bot.get(f"/tasks/{running.pk}/ping/fail")
    bot.get(f"/tasks/{running.pk}/ping")
    assert not Task.objects.get(pk=running.pk).failed


def test_a_body_over_10_kb_keeps_its_last_10_kb(bot, running):
    body = b"a" * 5000 + b"b" * PING_LOG_MAX_BYTES
    bot.generic("POST", f"/tasks/{running.pk}/ping/fail", body, content_type="text/plain")
    log = PingLog.objects.get()
    assert log.body == "b" * PING_LOG_MAX_BYTES and log.truncated


def test_a_bad_exit_status_is_a_400(bot, running):
    assert bot.get(f"/tasks/{running.pk}/ping/fail?exit=two").status_code == 400


def test_a_ping_needs_credentials(running):
    assert APIClient().get(f"/tasks/{running.pk}/ping").status_code == 401


def test_a_viewer_bot_may_not_ping(board, running):
    viewer = bot_client(board, "watcher", role=Role.VIEWER)
    assert viewer.get(f"/tasks/{running.pk}/ping").status_code == 403


def test_a_bot_of_another_board_gets_404(running):
    stranger = bot_client(agent_board("Other"), "other-bot")
    assert stranger.get(f"/tasks/{running.pk}/ping").status_code == 404


def test_an_unknown_task_is_404(bot):
    assert bot.get("/tasks/999999/ping").status_code == 404
    assert bot.get("/tasks/nope/ping/start").status_code == 404


def test_a_plain_ping_is_one_update_after_the_access_reads(bot, running, django_assert_num_queries):
    bot.get(f"/tasks/{running.pk}/ping")  # the token's last use is written once
    # The token, the task (with its board), the caller's role, and the ping's UPDATE.
    with django_assert_num_queries(4):
        bot.get(f"/tasks/{running.pk}/ping")


def test_silence_past_interval_and_grace_marks_stalled_once(running):
    start = running.last_ping
    task_ping(task=running, now=start)
    assert mark_stalled(now=start + timedelta(minutes=14)) == 0
    assert mark_stalled(now=start + timedelta(minutes=16)) == 1
    assert mark_stalled(now=start + timedelta(minutes=30)) == 0
    assert Task.objects.get(pk=running.pk).stalled
    assert Notification.objects.filter(notification_type=NotificationType.ESCALATION).count() == 1


def test_the_next_ping_clears_stalled(bot, running):
    start = running.last_ping
    task_ping(task=running, now=start)
    mark_stalled(now=start + timedelta(minutes=16))
    bot.get(f"/tasks/{running.pk}/ping")
    answer = bot.get(f"/tasks/{running.pk}").json()
    assert answer["stalled"] is False


def test_a_task_that_never_pings_never_stalls(running):
    assert mark_stalled(now=running.last_ping + timedelta(days=3)) == 0


def test_a_task_done_after_pinging_does_not_stall(bot, running):
    start = running.last_ping
    task_ping(task=running, now=start)
    bot.patch(f"/tasks/{running.pk}", {"status": "done"}, format="json")
    assert mark_stalled(now=start + timedelta(hours=1)) == 0


def test_healthz_counts_stalled_and_failed(bot, running, board, client):
    task_ping(task=running, now=running.last_ping)
    mark_stalled(now=running.last_ping + timedelta(minutes=16))
    other = board_task(board, "Deploy", status=TaskStatus.IN_PROGRESS)
    bot.get(f"/tasks/{other.pk}/ping/fail")
    assert client.get("/healthz").json()["heartbeats"] == {"stalled": 1, "failed": 1}


def test_the_list_shows_stalled_and_failed(bot, running):
    bot.get(f"/tasks/{running.pk}/ping/fail")
    listed = bot.get("/tasks/").json()
    assert [(t["stalled"], t["failed"]) for t in listed] == [(False, True)]


def test_the_ping_log_lists_lifecycle_pings_newest_first(bot, running):
    bot.generic("POST", f"/tasks/{running.pk}/ping/start", b"starting")
    bot.generic("POST", f"/tasks/{running.pk}/ping/fail?exit=4", b"boom")
    logs = bot.get(f"/tasks/{running.pk}/pings").json()
    assert [(log["kind"], log["exit_status"], log["body"]) for log in logs] == [
        ("fail", 4, "boom"),
        ("start", None, "starting"),
    ]
    assert logs[0]["actor"] == "ci-bot"


def test_the_ping_log_takes_a_fixed_number_of_queries(bot, running, django_assert_num_queries):
    for _ in range(3):
        bot.get(f"/tasks/{running.pk}/ping/fail")
    bot.get(f"/tasks/{running.pk}/pings")
    # The token, the task (the access check), the logs with their actors.
    with django_assert_num_queries(3):
        assert len(bot.get(f"/tasks/{running.pk}/pings").json()) == 3


def test_the_ping_log_of_an_unreadable_task_is_404(running):
    stranger = bot_client(agent_board("Other"), "other-bot")
    assert stranger.get(f"/tasks/{running.pk}/pings").status_code == 404
