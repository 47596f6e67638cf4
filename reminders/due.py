"""Due-date reminders: one "due soon" reminder N hours before a task's due date (its board's
`remind_hours_before_due`) and one "overdue" reminder when the due date passes.

The reminder sweep (reminders.sweep.send_due_reminders) calls `send_due_date_reminders` on every
pass. Each reminder is sent once however many sweepers run: a batch claims its rows (`FOR UPDATE
SKIP LOCKED` on PostgreSQL, SQLite's IMMEDIATE transactions take turns), and each task is stamped
with a conditional update (`..._notified_at IS NULL` and the same due date) in the transaction
that writes its reminder, so a second sweeper finds nothing to stamp. A new due date clears both
stamps (tasks.services.task_update), so the new date gets its own reminders.
"""

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from boards.models import Board
from notifications.models import NotificationType
from notifications.services import notification_create
from tasks.models import Task, TaskStatus

DEFAULT_BATCH_SIZE = 200


def overdue_message(task: Task) -> str:
    return f"Task '{task.name}' (ID: {task.pk}) is overdue: it was due {_when(task.due_date)}."


def due_soon_message(task: Task) -> str:
    return f"Task '{task.name}' (ID: {task.pk}) is due {_when(task.due_date)}."


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def overdue_tasks(now: datetime) -> QuerySet[Task]:
    """Tasks past their due date not yet notified: the condition of task_due_date_pending_idx."""
    return Task.objects.filter(
        due_date__isnull=False, overdue_notified_at__isnull=True, due_date__lte=now
    ).order_by("due_date")


def due_soon_tasks(now: datetime, board_id: int, hours: float) -> QuerySet[Task]:
    return Task.objects.filter(
        due_date__isnull=False,
        overdue_notified_at__isnull=True,
        board_id=board_id,
        due_soon_notified_at__isnull=True,
        due_date__gt=now,
        due_date__lte=now + timedelta(hours=hours),
    ).order_by("due_date")


def _claim(tasks: QuerySet[Task], batch_size: int) -> list[Task]:
    claim = tasks.select_related(None).only("id", "board_id", "name", "status", "due_date")
    if connection.features.has_select_for_update_skip_locked:
        claim = claim.select_for_update(skip_locked=True)
    return list(claim[:batch_size])


def _stamp(task: Task, field: str, now: datetime) -> bool:
    """Mark the reminder sent; False if another sweeper (or a new due date) came first."""
    pending = {f"{field}__isnull": True, "due_date": task.due_date}
    return Task.objects.filter(pk=task.pk, **pending).update(**{field: now}) == 1


def _send_batch(tasks: QuerySet[Task], field: str, message, now: datetime, batch_size: int) -> int:
    """Claim, stamp and remind up to `batch_size` tasks, in one transaction; how many claimed."""
    with transaction.atomic():
        claimed = _claim(tasks, batch_size)
        for task in claimed:
            # A done task needs no reminder; stamped all the same, so the sweep reads it no more.
            if _stamp(task, field, now) and task.status != TaskStatus.DONE:
                notification_create(
                    task=task,
                    message=message(task),
                    notification_type=NotificationType.REMINDER,
                    now=now,
                )
    return len(claimed)


def _send_all(tasks: QuerySet[Task], field: str, message, now: datetime, batch_size: int) -> int:
    sent = 0
    while True:
        count = _send_batch(tasks, field, message, now, batch_size)
        sent += count
        if count < batch_size:
            return sent


def send_due_date_reminders(
    *, now: datetime | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> int:
    """One pass: every "overdue" and "due soon" reminder due at `now`; how many tasks it handled."""
    now = now or timezone.now()
    handled = 0
    if overdue_tasks(now).exists():  # a read first: an idle pass takes no write lock
        handled += _send_all(
            overdue_tasks(now), "overdue_notified_at", overdue_message, now, batch_size
        )
    boards = Board.objects.filter(remind_hours_before_due__isnull=False).values_list(
        "pk", "remind_hours_before_due"
    )
    for board_id, hours in boards:
        tasks = due_soon_tasks(now, board_id, hours)
        if tasks.exists():
            handled += _send_all(tasks, "due_soon_notified_at", due_soon_message, now, batch_size)
    return handled
