"""GET /notifications/?group=true: a task's reminders as one row; the default answer unchanged."""

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from notifications.models import InboxEntry, NotificationType
from notifications.services import notification_create
from reminders.sweep import send_due_reminders
from tasks.models import TaskStatus
from tasks.services import task_create

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def _remind(name: str, times: int, *, start: datetime = T0):
    task = task_create(name=name, status=TaskStatus.IN_PROGRESS, interval_minutes=1, now=start)
    return task, [start + timedelta(minutes=n) for n in range(1, times + 1)]


def _sweep_until(moment_list):
    for moment in sorted(moment_list):
        send_due_reminders(now=moment)


@pytest.fixture
def alice_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_ten_reminders_of_a_task_are_one_row_with_the_count(alice_client):
    task, moments = _remind("Nightly backup", 10)
    _sweep_until(moments)
    rows = alice_client.get("/notifications/?group=true").json()
    assert len(rows) == 1
    row = rows[0]
    assert row["count"] == 10 and row["unread_count"] == 10
    assert row["summary"] == "Nightly backup is still in progress: 10 reminders"
    assert row["task_id"] == task.pk
    assert row["created_at"].startswith("2026-01-01T09:10")
    assert row["first_created_at"].startswith("2026-01-01T09:01")


def test_without_group_the_answer_is_the_originals(alice_client):
    _, moments = _remind("Nightly backup", 3)
    _sweep_until(moments)
    rows = alice_client.get("/notifications/").json()
    assert len(rows) == 3
    assert "count" not in rows[0]


def test_other_notifications_stay_rows_of_their_own(alice_client):
    _, moments = _remind("Nightly backup", 2)
    _sweep_until(moments)
    task_create(name="Report", status=TaskStatus.DONE, now=T0 + timedelta(minutes=5))
    task_create(name="Report 2", status=TaskStatus.DONE, now=T0 + timedelta(minutes=6))
    rows = alice_client.get("/notifications/?group=true").json()
    assert [(row["notification_type"], row["count"]) for row in rows] == [
        ("completion", 1),
        ("completion", 1),
        ("reminder", 2),
    ]


def test_each_task_is_its_own_group_newest_first(alice_client):
    _, first = _remind("one", 3)
    _, second = _remind("two", 2, start=T0 + timedelta(seconds=30))
    _sweep_until(first + second)
    rows = alice_client.get("/notifications/?group=true").json()
    assert [(row["task_name"], row["count"]) for row in rows] == [("one", 3), ("two", 2)]


def test_a_group_is_read_when_all_of_it_is(alice_client, user):
    task, moments = _remind("Nightly backup", 3)
    _sweep_until(moments)
    InboxEntry.objects.filter(user=user).update(read_at=T0)
    [row] = alice_client.get("/notifications/?group=true").json()
    assert row["is_read"] is True and row["unread_count"] == 0


def test_read_all_of_one_task_marks_its_group_read(alice_client, user):
    task, moments = _remind("Nightly backup", 3)
    _sweep_until(moments)
    task_create(name="Other", status=TaskStatus.DONE)
    response = alice_client.post(f"/notifications/read-all?task={task.pk}&type=reminder")
    assert response.json()["count"] == 3
    assert InboxEntry.objects.filter(user=user, read_at__isnull=True).count() == 1


def test_read_all_with_a_bad_filter_is_a_400(alice_client):
    assert alice_client.post("/notifications/read-all?type=nope").status_code == 400


def test_the_shared_inbox_groups_too(anon_client):
    _, moments = _remind("Nightly backup", 4)
    _sweep_until(moments)
    notification_create(message="Hello")
    rows = anon_client.get("/notifications/?group=true").json()
    assert sorted(row["count"] for row in rows) == [1, 4]


def test_paging_counts_rows(alice_client):
    for number in range(3):
        _, moments = _remind(f"task {number}", 2)
        _sweep_until(moments)
    response = alice_client.get("/notifications/?group=true&limit=2")
    assert len(response.json()) == 2
    assert response["X-Total-Count"] == "3"


def test_an_acknowledged_row_says_who_is_on_it(alice_client):
    _, moments = _remind("Nightly backup", 2)
    _sweep_until(moments)
    [row] = alice_client.get("/notifications/?group=true").json()
    alice_client.post(f"/notifications/{row['id']}/ack")
    [row] = alice_client.get("/notifications/?group=true").json()
    assert row["acknowledged_by"] == "alice"


@pytest.mark.parametrize("tasks", [1, 15])
def test_the_grouped_list_reads_in_a_fixed_number_of_queries(
    alice_client, tasks, django_assert_num_queries
):
    for number in range(tasks):
        _, moments = _remind(f"task {number}", 3)
        _sweep_until(moments)
    # The caller's boards are a subquery; the count, the page of rows, their latest notifications
    # (with boards), their acknowledgements.
    with django_assert_num_queries(4):
        rows = alice_client.get("/notifications/?group=true").json()
    assert len(rows) == tasks
    assert {row["notification_type"] for row in rows} == {NotificationType.REMINDER}
