"""Claims: POST /tasks/{id}/claim and /release, ?claimable=true, lease renewal and expiry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from boards.models import Role
from notifications.models import Notification, NotificationType
from tasks.claims import expire_leases, task_claim
from tasks.heartbeats import task_ping
from tasks.models import Task, TaskStatus
from tasks.tests.agents import agent_board, board_task, bot_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return agent_board()


@pytest.fixture
def agent(board):
    return bot_client(board, "agent-1")


@pytest.fixture
def rival(board):
    return bot_client(board, "agent-2")


def test_a_claim_makes_the_caller_holder_and_assignee_and_starts_the_task(agent, board):
    task = board_task(board)
    before = timezone.now()
    response = agent.post(f"/tasks/{task.pk}/claim", {"lease_minutes": 10}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["claimed_by"], body["assignees"]) == (
        "in_progress",
        "agent-1",
        ["agent-1"],
    )
    task.refresh_from_db()
    assert (
        before + timedelta(minutes=10) <= task.lease_until <= timezone.now() + timedelta(minutes=10)
    )


def test_the_default_lease_is_30_minutes(agent, board):
    task = board_task(board)
    agent.post(f"/tasks/{task.pk}/claim")
    task.refresh_from_db()
    assert task.lease_minutes == 30


def test_a_second_claimer_gets_409_with_holder_and_until(agent, rival, board):
    task = board_task(board)
    agent.post(f"/tasks/{task.pk}/claim")
    response = rival.post(f"/tasks/{task.pk}/claim")
    assert response.status_code == 409
    body = response.json()
    assert body["holder"] == "agent-1"
    assert body["until"].startswith(str(Task.objects.get(pk=task.pk).lease_until.date()))


def test_the_holder_claiming_again_renews(agent, board):
    task = board_task(board)
    agent.post(f"/tasks/{task.pk}/claim", {"lease_minutes": 1}, format="json")
    assert (
        agent.post(f"/tasks/{task.pk}/claim", {"lease_minutes": 5}, format="json").status_code
        == 200
    )
    assert Task.objects.get(pk=task.pk).lease_minutes == 5


def test_a_done_task_cannot_be_claimed(agent, board):
    task = board_task(board, status=TaskStatus.DONE)
    assert agent.post(f"/tasks/{task.pk}/claim").status_code == 409


def test_a_bad_lease_is_a_400(agent, board):
    task = board_task(board)
    for lease in (0, -5, "soon", True):
        response = agent.post(f"/tasks/{task.pk}/claim", {"lease_minutes": lease}, format="json")
        assert response.status_code == 400, lease


def test_a_viewer_may_not_claim(board):
    viewer = bot_client(board, "watcher", role=Role.VIEWER)
    assert viewer.post(f"/tasks/{board_task(board).pk}/claim").status_code == 403


def test_release_gives_the_task_back_to_todo(agent, board):
    task = board_task(board)
    agent.post(f"/tasks/{task.pk}/claim")
    body = agent.post(f"/tasks/{task.pk}/release").json()
    assert (body["status"], body["claimed_by"], body["assignees"]) == ("todo", None, [])


def test_only_the_holder_releases(agent, rival, board):
    task = board_task(board)
    agent.post(f"/tasks/{task.pk}/claim")
    assert rival.post(f"/tasks/{task.pk}/release").status_code == 409


def test_a_ping_renews_the_lease(agent, board):
    task = board_task(board)
    agent.post(f"/tasks/{task.pk}/claim", {"lease_minutes": 10}, format="json")
    later = timezone.now() + timedelta(minutes=8)
    task_ping(task=Task.objects.get(pk=task.pk), now=later)
    assert Task.objects.get(pk=task.pk).lease_until == later + timedelta(minutes=10)


def test_success_ends_the_claim(agent, board):
    task = board_task(board)
    agent.post(f"/tasks/{task.pk}/claim")
    agent.post(f"/tasks/{task.pk}/ping/success")
    task.refresh_from_db()
    assert (task.status, task.claimed_by_id) == (TaskStatus.DONE, None)


def test_an_expired_lease_frees_the_task_and_notifies(agent, rival, board):
    task = board_task(board)
    agent.post(f"/tasks/{task.pk}/claim", {"lease_minutes": 10}, format="json")
    assert expire_leases(now=timezone.now() + timedelta(minutes=5)) == 0
    assert expire_leases(now=timezone.now() + timedelta(minutes=11)) == 1
    task.refresh_from_db()
    assert (task.status, task.claimed_by_id, task.lease_until) == (TaskStatus.TODO, None, None)
    assert list(task.assignees.all()) == []
    notice = Notification.objects.get(notification_type=NotificationType.SYSTEM)
    assert "agent-1" in notice.message and "expired" in notice.message
    assert rival.post(f"/tasks/{task.pk}/claim").status_code == 200


def test_an_expired_lease_may_be_claimed_by_another_before_the_sweep(agent, rival, board):
    task = board_task(board)
    task_claim(
        task=task, actor=agent.user, lease_minutes=1, now=timezone.now() - timedelta(minutes=2)
    )
    assert rival.post(f"/tasks/{task.pk}/claim").json()["claimed_by"] == "agent-2"


def test_claimable_lists_unclaimed_todo_tasks_oldest_first(agent, board):
    now = timezone.now()
    newer = board_task(board, "newer", now=now)
    older = board_task(board, "older", now=now - timedelta(hours=1))
    claimed = board_task(board, "claimed", now=now - timedelta(hours=2))
    board_task(board, "running", status=TaskStatus.IN_PROGRESS)
    agent.post(f"/tasks/{claimed.pk}/claim")
    listed = agent.get(f"/tasks/?claimable=true&board={board.pk}").json()
    assert [task["id"] for task in listed] == [older.pk, newer.pk]


def test_the_claimable_list_takes_a_fixed_number_of_queries(
    agent, board, django_assert_num_queries
):
    for number in range(5):
        board_task(board, f"task {number}")
    agent.get(f"/tasks/?claimable=true&board={board.pk}")
    # The token, the board lookup, and the list (the database writes its JSON).
    with django_assert_num_queries(3):
        assert len(agent.get(f"/tasks/?claimable=true&board={board.pk}").json()) == 5
