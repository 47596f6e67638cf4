"""Writes for tasks. The API, the board, the admin and the reminder worker all call these.

The status rule lives in `_apply_status` and nowhere else: a status change pings the task
(`Task.ping`, which schedules the reminder while in progress and clears it otherwise), and entering
done writes one completion notification.
"""

from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from notifications.services import notification_create_completion
from tasks.models import DEFAULT_INTERVAL_MINUTES, Task, TaskStatus
from tracker import events


def _apply_status(task: Task, status: str, now: datetime) -> bool:
    """Set a new status and its schedule on the instance; True if the status changed."""
    if status == task.status and task.pk is not None:
        return False
    task.status = status
    task.ping(now)
    return True


def _place(task: Task, position: int | None) -> None:
    """Put the task at index `position` among the other cards of its column (None: the end).

    An index, not a stored value: deletes leave gaps and a card moved down its own column still
    holds its old slot, so the card now at that index gives the value, and it and the cards below
    it shift down by one.
    """
    column = Task.objects.filter(status=task.status).exclude(pk=task.pk)
    successor = None
    if position is not None:
        successor = column.order_by("position", "id")[max(0, position) :].first()
    if successor is None:
        task.position = _column_end(column)
        return
    column.filter(
        Q(position__gt=successor.position) | Q(position=successor.position, id__gte=successor.pk)
    ).update(position=F("position") + 1)
    task.position = successor.position


# pg_advisory_xact_lock key for the board's card order (any constant no other code uses).
BOARD_ORDER_LOCK = 0x5747_0001


def _lock_board_order() -> None:
    """On PostgreSQL, let one transaction at a time reorder cards, until it commits.

    `_place` shifts many rows of a column while the writer already holds its own task's row lock, so
    two concurrent moves can each wait for a row the other holds: a deadlock, and a 500. Taken first,
    before any row lock, this lock makes them queue instead. SQLite's IMMEDIATE transactions already
    let only one writer in at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [BOARD_ORDER_LOCK])


def _column_end(column: QuerySet[Task]) -> int:
    top = column.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def task_create(
    *,
    name: str,
    description: str = "",
    interval_minutes: float = DEFAULT_INTERVAL_MINUTES,
    status: str = TaskStatus.TODO,
    position: int | None = None,
    now: datetime | None = None,
) -> Task:
    """A new task at `position` in its column (0-based), or at the end of it when None."""
    now = now or timezone.now()
    _lock_board_order()
    task = Task(
        name=name.strip(),
        description=description,
        interval_minutes=interval_minutes,
        created_at=now,
        last_ping=now,
    )
    _apply_status(task, status, now)
    _place(task, position)
    task.full_clean(validate_unique=False, validate_constraints=False)
    task.save()
    if task.status == TaskStatus.DONE:
        notification_create_completion(task=task, now=now)
    events.publish_after_commit("task.created", {"id": task.pk})
    return task


@transaction.atomic
def task_update(
    *,
    task: Task,
    name: str | None = None,
    description: str | None = None,
    interval_minutes: float | None = None,
    status: str | None = None,
    position: int | None = None,
    now: datetime | None = None,
) -> Task:
    """Change any of the given fields (None leaves a field as it is) with the status rules applied.

    `position` is the 0-based place in the task's (new) column; moving to another column without a
    position puts the task at the end of that column.
    """
    now = now or timezone.now()
    if status is not None or position is not None:
        _lock_board_order()  # before the row lock below, or two moves can deadlock
    # Lock the row so two writers cannot both see "not done yet" and both notify.
    current = Task.objects.select_for_update().get(pk=task.pk)
    task.status, task.position = current.status, current.position
    task.last_ping, task.next_reminder_at = current.last_ping, current.next_reminder_at

    if name is not None:
        task.name = name.strip()
    if description is not None:
        task.description = description
    interval_changed = interval_minutes is not None and interval_minutes != task.interval_minutes
    if interval_minutes is not None:
        task.interval_minutes = interval_minutes

    status_changed = status is not None and _apply_status(task, status, now)
    if interval_changed and not status_changed and task.status == TaskStatus.IN_PROGRESS:
        task.ping(task.last_ping)  # the same ping, the new interval
    if status_changed or position is not None:
        _place(task, position)

    task.full_clean(validate_unique=False, validate_constraints=False)
    task.save()
    if status_changed and task.status == TaskStatus.DONE:
        notification_create_completion(task=task, now=now)
    events.publish_after_commit("task.updated", {"id": task.pk, "status": task.status})
    return task


@transaction.atomic
def task_delete(*, task: Task) -> int:
    task_id = task.pk
    # Lock the row before Django nulls the notifications' task: a reminder sweep that claimed this
    # task commits first (and its reminder is nulled with the rest), a later one skips it. Otherwise
    # its reminder could point at the deleted row, and the commit fails on the foreign key (a 500).
    list(Task.objects.select_for_update().filter(pk=task_id).values_list("pk"))
    task.delete()
    events.publish_after_commit("task.deleted", {"id": task_id})
    return task_id
