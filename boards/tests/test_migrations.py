"""boards 0002, tasks 0005 and notifications 0002 move a database from before boards onto "Main".

The data is written as the seed_demo of that time wrote it (tasks in every column with ranks,
completion and reminder notifications, some read), through the historical models.
"""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from boards.models import Board, Membership, Role, Visibility
from notifications.models import InboxEntry, Notification
from tasks import ranks
from tasks.models import Task

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_BOARDS = [
    ("tasks", "0004_due_index_on_scheduled_reminders"),
    ("notifications", "0001_initial"),
    ("boards", None),
]


def migrate(targets) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # (app, None), "no migration of the app", names no node of the graph: the state leaves it out.
    # The people are auth's latest models (none of the targets depends on auth).
    nodes = [node for node in targets if node[1]]
    nodes += [node for node in executor.loader.graph.leaf_nodes() if node[0] == "auth"]
    return executor.loader.project_state(nodes).apps


def leaf_nodes() -> list:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def seed_like_before_boards(old_apps, count: int) -> None:
    """What seed_demo wrote before boards: tasks at the end of each column, a completion for each
    done task, a reminder for tasks in progress for a while, read when older than a day; and a
    notification whose task was deleted since."""
    Task = old_apps.get_model("tasks", "Task")
    Notification = old_apps.get_model("notifications", "Notification")
    rng = random.Random(13)
    now = timezone.now()
    tasks = []
    for number in range(count):
        status = rng.choice(["todo", "in_progress", "done"])
        interval = timedelta(minutes=rng.choice([5, 60, 1440]))
        created_at = now - timedelta(hours=rng.uniform(1, 72))
        last_ping = created_at + (now - created_at) * rng.uniform(0.1, 1.0)
        tasks.append(
            Task(
                name=f"Task {number}",
                status=status,
                interval_minutes=interval.total_seconds() / 60,
                created_at=created_at,
                last_ping=last_ping,
                next_reminder_at=last_ping + interval if status == "in_progress" else None,
            )
        )
    for status in ("todo", "in_progress", "done"):
        column = [task for task in tasks if task.status == status]
        for task, rank in zip(column, ranks.after(None, len(column)), strict=True):
            task.rank = rank
    Task.objects.bulk_create(tasks)
    notifications = []
    for task in tasks:
        kind = {"done": "completion", "in_progress": "reminder"}.get(task.status)
        if kind:
            notifications.append(
                Notification(
                    task=task,
                    task_name=task.name,
                    message=f"{kind} of {task.name}",
                    notification_type=kind,
                    created_at=task.last_ping,
                    is_read=now - task.last_ping > timedelta(days=1),
                )
            )
    Notification.objects.bulk_create(notifications)
    # SET_NULL: its notification stays, with no task.
    Task.objects.filter(pk=notifications[0].task.pk).delete()


def make_people(old_apps) -> None:
    User = old_apps.get_model("auth", "User")
    User.objects.create(username="root", is_superuser=True, is_staff=True, password="!")
    User.objects.create(username="alice", password="!")
    User.objects.create(username="bob", password="!")
    User.objects.create(username="gone", is_active=False, password="!")


def column_orders(task_model) -> dict[str, list[tuple[int, str]]]:
    return {
        status: list(
            task_model.objects.filter(status=status).order_by("rank").values_list("pk", "rank")
        )
        for status in ("todo", "in_progress", "done")
    }


def test_existing_tasks_notifications_and_people_move_onto_main():
    old_apps = migrate(BEFORE_BOARDS)
    try:
        make_people(old_apps)
        seed_like_before_boards(old_apps, 60)
        OldNotification = old_apps.get_model("notifications", "Notification")
        orders_before = column_orders(old_apps.get_model("tasks", "Task"))
        read_before = dict(OldNotification.objects.values_list("pk", "is_read"))
        assert set(read_before.values()) == {True, False}
        assert OldNotification.objects.filter(task=None).count() == 1

        migrate(leaf_nodes())

        main = Board.objects.get()
        assert (main.name, main.visibility, main.is_default) == ("Main", Visibility.PUBLIC, True)
        assert set(Task.objects.values_list("board", flat=True)) == {main.pk}
        assert set(Notification.objects.values_list("board", flat=True)) == {main.pk}
        assert column_orders(Task) == orders_before
        roles = set(Membership.objects.values_list("user__username", "role"))
        assert roles == {("root", Role.OWNER), ("alice", Role.EDITOR), ("bob", Role.EDITOR)}
        recipients = set(Membership.objects.values_list("user_id", flat=True))
        assert dict(Notification.objects.values_list("pk", "is_read")) == read_before
        for notification in Notification.objects.all():
            entries = InboxEntry.objects.filter(notification=notification)
            assert set(entries.values_list("user_id", flat=True)) == recipients
            read_at = {entry.read_at for entry in entries}
            assert read_at == {notification.created_at if notification.is_read else None}
    finally:
        migrate(leaf_nodes())
