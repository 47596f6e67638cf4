"""GET /tasks/{id}/timeline: comments and recorded changes, oldest first, paged."""

from datetime import UTC, datetime, timedelta

import pytest

from tasks.comments import comment_create
from tasks.models import PingKind, PingLog
from tasks.services import task_create, task_update

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def task(user):
    task = task_create(name="Ship", actor=user, now=T0)
    comment_create(task=task, text="starting", actor=user, now=at(1))
    task_update(task=task, priority="high", due_date=at(60), actor=user, now=at(2))
    task_update(task=task, status="done", actor=user, now=at(3))
    return task


def test_the_timeline_merges_comments_and_changes_oldest_first(anon_client, task):
    entries = anon_client.get(f"/tasks/{task.pk}/timeline").json()
    assert [(entry["type"], entry["actor"]) for entry in entries] == [
        ("comment", "alice"),  # the system's "created" comment, caused by alice
        ("change", "alice"),
        ("comment", "alice"),
        ("change", "alice"),
        ("change", "alice"),
    ]
    assert entries[2]["comment"]["text"] == "starting"


def test_the_timeline_records_priority_and_due_date(anon_client, task):
    entries = anon_client.get(f"/tasks/{task.pk}/timeline").json()
    assert entries[3]["changes"] == {
        "priority": ["medium", "high"],
        "due_date": [None, at(60).isoformat()],
    }
    assert entries[4]["changes"]["status"] == ["todo", "done"]


def test_the_timeline_pages_with_limit_and_offset(anon_client, task):
    response = anon_client.get(f"/tasks/{task.pk}/timeline?limit=2&offset=2")
    assert response.headers["X-Total-Count"] == "5"
    assert [entry["type"] for entry in response.json()] == ["comment", "change"]


def test_the_timeline_shows_the_ping_log_in_its_place(anon_client, task):
    PingLog.objects.create(
        task=task, kind=PingKind.FAIL, exit_status=2, body="disk full", at=at(2) + timedelta(1)
    )
    entries = anon_client.get(f"/tasks/{task.pk}/timeline").json()
    (ping,) = [entry for entry in entries if entry["type"] == "ping"]
    assert (ping["kind"], ping["exit_status"], ping["body"]) == ("fail", 2, "disk full")
    assert [entry["type"] for entry in entries][-2:] == ["change", "ping"]


def test_the_timeline_of_an_unknown_task_is_404(anon_client):
    response = anon_client.get("/tasks/999999/timeline")
    assert response.status_code == 404
    assert response.json() == {"detail": "Task not found"}


def test_a_timeline_page_takes_a_fixed_number_of_queries(
    anon_client, task, django_assert_num_queries
):
    for n in range(10):
        comment_create(task=task, text=f"note {n}", now=at(10 + n))
    # The task, the three counts, a page of comments (with authors), of changes and of pings.
    with django_assert_num_queries(7):
        assert len(anon_client.get(f"/tasks/{task.pk}/timeline?limit=5").json()) == 5
