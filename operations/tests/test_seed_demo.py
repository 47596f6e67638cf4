"""manage.py seed_demo: realistic demo data that obeys every rule the services keep."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from notifications.models import Notification, NotificationType
from notifications.services import completion_message
from tasks.models import Task, TaskStatus

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_adds_the_requested_number_of_tasks_in_every_column():
    assert "Added 300 demo tasks" in seed("--tasks", "300", "--seed", "1")
    assert Task.objects.count() == 300
    assert set(Task.objects.values_list("status", flat=True)) == set(TaskStatus.values)


def test_in_progress_tasks_have_their_reminder_scheduled_from_the_last_ping():
    seed("--tasks", "200", "--seed", "2")
    in_progress = Task.objects.filter(status=TaskStatus.IN_PROGRESS)
    assert in_progress.exists()
    for task in in_progress:
        assert task.next_reminder_at == task.last_ping + task.interval
    assert not Task.objects.exclude(status=TaskStatus.IN_PROGRESS).filter(
        next_reminder_at__isnull=False
    )


def test_every_done_task_has_one_completion_notification():
    seed("--tasks", "200", "--seed", "3")
    for task in Task.objects.filter(status=TaskStatus.DONE):
        (notification,) = task.notifications.filter(notification_type=NotificationType.COMPLETION)
        assert notification.message == completion_message(task.name)


def test_demo_cards_go_after_existing_cards_in_creation_order(make_task):
    make_task("Already here")
    seed("--tasks", "100", "--seed", "4")
    todo = list(
        Task.objects.filter(status=TaskStatus.TODO).order_by("rank").values_list("pk", flat=True)
    )
    assert todo[0] == Task.objects.get(name="Already here").pk
    assert todo == sorted(todo)


def test_reminders_and_unread_notifications_are_part_of_the_demo():
    seed("--tasks", "300", "--seed", "5")
    types = set(Notification.objects.values_list("notification_type", flat=True))
    assert types == {NotificationType.REMINDER, NotificationType.COMPLETION}
    assert Notification.objects.filter(is_read=False).exists()
    assert Notification.objects.filter(is_read=True).exists()


def test_the_same_seed_gives_the_same_board():
    seed("--tasks", "50", "--seed", "6")
    first = list(Task.objects.order_by("id").values_list("name", "status", "interval_minutes"))
    Task.objects.all().delete()
    seed("--tasks", "50", "--seed", "6")
    assert (
        list(Task.objects.order_by("id").values_list("name", "status", "interval_minutes")) == first
    )


def test_ten_thousand_tasks_are_written_in_bulk(django_assert_max_num_queries):
    # Batches of inserts (SQLite caps the rows per insert lower than PostgreSQL), never a query
    # per task: that would be over 16,000 with the notifications.
    with django_assert_max_num_queries(300):
        seed("--tasks", "10000", "--no-progress")
    assert Task.objects.count() == 10_000


def test_large_counts_show_a_progress_bar():
    err = StringIO()
    call_command("seed_demo", "--tasks", "2000", stdout=StringIO(), stderr=err)
    assert "2000/2000" in err.getvalue()


def test_a_negative_count_is_refused():
    with pytest.raises(CommandError, match="0 or more"):
        seed("--tasks", "-1")
