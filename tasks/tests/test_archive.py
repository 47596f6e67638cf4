"""Delete is archive (tasks.services.task_archive), task_restore, and the retention purge, on a
clock the tests give (`now=`), never a sleep."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from boards.tests.test_services import _events_published
from notifications.models import Notification
from tasks.models import Task, TaskChange, TaskStatus
from tasks.services import (
    archived_tasks_purge,
    task_archive,
    task_create,
    task_restore,
    task_update,
)
from tasks.tests.ordering import column_names

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def days(count: float) -> timedelta:
    return timedelta(days=count)


def test_archive_hides_the_task_but_keeps_its_row():
    task = task_create(name="Deploy", now=T0)
    assert task_archive(task=task, now=T0) == task.pk
    assert not Task.objects.filter(pk=task.pk).exists()
    assert Task.all_objects.get(pk=task.pk).archived_at == T0


def test_archive_is_recorded_in_the_history():
    task = task_create(name="Deploy", now=T0)
    task_archive(task=task, now=T0)
    assert TaskChange.objects.latest("pk").kind == "archived"


def test_archiving_an_archived_task_raises_does_not_exist():
    task = task_create(name="Deploy", now=T0)
    task_archive(task=task, now=T0)
    with pytest.raises(Task.DoesNotExist):
        task_archive(task=task, now=T0)


def test_restore_puts_the_task_back_with_what_it_had():
    task = task_create(name="Deploy", description="db", status=TaskStatus.IN_PROGRESS, now=T0)
    task_archive(task=task, now=T0)
    restored = task_restore(task=task, now=T0 + days(1))
    assert restored.archived_at is None
    assert Task.objects.get(pk=task.pk).description == "db"
    assert TaskChange.objects.latest("pk").kind == "restored"


def test_restore_returns_the_card_to_its_place_in_the_column():
    for name in ("A", "B", "C"):
        task_create(name=name, now=T0)
    task_archive(task=Task.objects.get(name="B"), now=T0)
    assert column_names(TaskStatus.TODO) == ["A", "C"]
    task_restore(task=Task.all_objects.get(name="B"), now=T0)
    assert column_names(TaskStatus.TODO) == ["A", "B", "C"]


def test_restore_goes_next_to_the_card_that_took_its_rank():
    task_create(name="A", now=T0)
    b = task_create(name="B", now=T0)
    task_archive(task=b, now=T0)
    # An archived card holds no place: a new card may get its very rank.
    Task.objects.filter(pk=task_create(name="New", now=T0).pk).update(
        rank=Task.all_objects.get(pk=b.pk).rank
    )
    task_restore(task=b, now=T0)
    assert column_names(TaskStatus.TODO) == ["A", "B", "New"]


def test_restoring_a_task_in_use_raises_does_not_exist():
    task = task_create(name="Deploy", now=T0)
    with pytest.raises(Task.DoesNotExist):
        task_restore(task=task, now=T0)


def test_an_archived_task_cannot_be_edited():
    task = task_create(name="Deploy", now=T0)
    task_archive(task=task, now=T0)
    with pytest.raises(Task.DoesNotExist):
        task_update(task=task, name="Renamed", now=T0)


def test_purge_deletes_tasks_archived_longer_than_the_retention():
    old = task_create(name="Old", now=T0)
    recent = task_create(name="Recent", now=T0)
    task_archive(task=old, now=T0)
    task_archive(task=recent, now=T0 + days(20))
    assert archived_tasks_purge(now=T0 + days(30), retention_days=30) == 1
    assert list(Task.all_objects.values_list("name", flat=True)) == ["Recent"]


def test_purge_leaves_tasks_in_use_alone():
    task_create(name="Busy", now=T0)
    assert archived_tasks_purge(now=T0 + days(365), retention_days=30) == 0
    assert Task.objects.count() == 1


def test_zero_retention_keeps_archived_tasks_forever():
    task = task_create(name="Old", now=T0)
    task_archive(task=task, now=T0)
    assert archived_tasks_purge(now=T0 + days(10_000), retention_days=0) == 0
    assert Task.all_objects.filter(pk=task.pk).exists()


def test_purge_takes_the_retention_from_the_setting(settings):
    settings.ARCHIVE_RETENTION_DAYS = 7
    task = task_create(name="Old", now=T0)
    task_archive(task=task, now=T0)
    assert archived_tasks_purge(now=T0 + days(6)) == 0
    assert archived_tasks_purge(now=T0 + days(7)) == 1


def test_purge_keeps_the_notifications_with_the_task_name():
    task = task_create(name="Shipped", status=TaskStatus.DONE, now=T0)
    task_archive(task=task, now=T0)
    archived_tasks_purge(now=T0 + days(31), retention_days=30)
    notification = Notification.objects.get()
    assert (notification.task_id, notification.task_name) == (None, "Shipped")
    assert TaskChange.objects.latest("pk").kind == "deleted"


def test_purge_archived_command_purges_by_the_setting(settings):
    settings.ARCHIVE_RETENTION_DAYS = 1
    task = task_create(name="Old", now=T0)
    task_archive(task=task, now=T0)  # T0 is long past: older than a day
    out = StringIO()
    call_command("purge_archived", stdout=out)
    assert not Task.all_objects.exists()
    assert "Purged 1 archived task(s)" in out.getvalue()


def test_purge_archived_command_with_zero_days_keeps_everything():
    task = task_create(name="Old", now=T0)
    task_archive(task=task, now=T0)
    out = StringIO()
    call_command("purge_archived", "--days", "0", stdout=out)
    assert Task.all_objects.count() == 1
    assert "kept forever" in out.getvalue()


def test_archive_and_restore_tell_open_boards(redis_connection, django_capture_on_commit_callbacks):
    task = task_create(name="Deploy", now=T0)

    def archive_then_restore() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            task_archive(task=task, now=T0)
        with django_capture_on_commit_callbacks(execute=True):
            task_restore(task=task, now=T0)

    published = _events_published(redis_connection, archive_then_restore)
    board = task.board_id
    assert {"type": "task.deleted", "data": {"id": task.pk, "board": board, "archived": True}} in (
        published
    )
    assert {"type": "task.created", "data": {"id": task.pk, "board": board, "restored": True}} in (
        published
    )


# --- the admin --------------------------------------------------------------------------------


def test_the_admin_lists_archived_tasks_under_its_filter(client, staff_user):
    task_archive(task=task_create(name="Gone", now=T0), now=T0)
    task_create(name="Kept", now=T0)
    client.force_login(staff_user)
    archived = client.get("/admin/tasks/task/?archived=yes").content.decode()
    assert "Gone" in archived and "Kept" not in archived
    assert "Gone" not in client.get("/admin/tasks/task/?archived=no").content.decode()


def test_the_admin_restores_through_the_service(client, staff_user):
    task = task_create(name="Gone", now=T0)
    task_archive(task=task, now=T0)
    client.force_login(staff_user)
    response = client.post(
        "/admin/tasks/task/", {"action": "restore", "_selected_action": [task.pk]}
    )
    assert response.status_code == 302
    assert Task.objects.filter(pk=task.pk).exists()
    assert TaskChange.objects.latest("pk").actor_name == staff_user.get_username()


def test_an_archived_task_is_read_only_in_the_admin(client, staff_user):
    task = task_create(name="Gone", now=T0)
    task_archive(task=task, now=T0)
    client.force_login(staff_user)
    page = client.get(f"/admin/tasks/task/{task.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
