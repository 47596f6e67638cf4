"""Demo data for a first look at the board: `manage.py seed_demo`.

Rows are written in bulk, so 10,000 tasks take seconds, with every field the services would set:
an in-progress task's reminder is due at last_ping + interval, a done task has its completion
notification, and tasks that have been in progress for a while have reminders behind them.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, NotificationType
from notifications.services import completion_message, reminder_message
from tasks.models import Task, TaskStatus
from tasks.services import column_end_ranks
from tracker import events

_ACTIONS = [
    "Deploy",
    "Review",
    "Back up",
    "Rotate keys for",
    "Migrate",
    "Load-test",
    "Upgrade",
    "Write docs for",
    "Fix flaky tests in",
    "Profile",
    "Audit access to",
    "Monitor",
]
_SUBJECTS = [
    "the billing service",
    "the staging database",
    "the nightly ETL job",
    "the public API",
    "the search index",
    "the mobile release",
    "the marketing site",
    "the CI runners",
    "the data warehouse",
    "the auth gateway",
    "the image pipeline",
    "the on-call rota",
]
_DETAILS = [
    "",
    "Started by the deploy bot; pings every step.",
    "Agent run: reports progress over the API.",
    "Blocked on review from the platform team.",
    "Checklist in the runbook. Ping when done.",
    "Cron job: marks itself done when the export finishes.",
]
_INTERVALS = [5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 240.0, 1440.0]
# Roughly how a busy board looks: more done than in progress.
_STATUS_WEIGHTS = {TaskStatus.TODO: 35, TaskStatus.IN_PROGRESS: 25, TaskStatus.DONE: 40}
# Notifications older than this are shown as already read.
_READ_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class SeedResult:
    tasks: int
    notifications: int


def _demo_task(rng: random.Random, now: datetime) -> Task:
    status = rng.choices(list(_STATUS_WEIGHTS), weights=list(_STATUS_WEIGHTS.values()))[0]
    interval = rng.choice(_INTERVALS)
    created_at = now - timedelta(minutes=rng.uniform(10, 14 * 24 * 60))
    task = Task(
        name=f"{rng.choice(_ACTIONS)} {rng.choice(_SUBJECTS)}",
        description=rng.choice(_DETAILS),
        status=status,
        interval_minutes=interval,
        created_at=created_at,
    )
    last_ping = created_at
    if status == TaskStatus.IN_PROGRESS:
        # Somewhere inside the current interval, some a little overdue: the reminder worker has
        # something to send within minutes of seeding.
        since_ping = timedelta(minutes=interval * rng.uniform(0.05, 1.05))
        last_ping = max(created_at, now - since_ping)
    elif status == TaskStatus.DONE:
        last_ping = created_at + (now - created_at) * rng.uniform(0.1, 1.0)
    task.ping(last_ping)  # and the schedule that goes with it (Task.ping)
    return task


def _notifications_for(task: Task, now: datetime) -> Iterator[Notification]:
    """What the services and the reminder sweep would have written for this task so far."""
    if task.status == TaskStatus.DONE:
        yield Notification(
            task=task,
            task_name=task.name,
            message=completion_message(task.name),
            notification_type=NotificationType.COMPLETION,
            created_at=task.last_ping,
            is_read=now - task.last_ping > _READ_AFTER,
        )
    elif task.status == TaskStatus.IN_PROGRESS and task.last_ping - task.created_at > task.interval:
        # Its last ping was a reminder firing.
        yield Notification(
            task=task,
            task_name=task.name,
            message=reminder_message(task.name, task.pk),
            notification_type=NotificationType.REMINDER,
            created_at=task.last_ping,
            is_read=now - task.last_ping > _READ_AFTER,
        )


@transaction.atomic
def seed_demo(
    *,
    count: int,
    seed: int | None = None,
    batch_size: int = 1000,
    now: datetime | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Add `count` demo tasks (at the end of their columns) and their notifications, in one transaction.

    `on_progress(n)` is called after each batch with the number of tasks it wrote.
    """
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    tasks_written = notifications_written = 0
    while tasks_written < count:
        batch = [_demo_task(rng, now) for _ in range(min(batch_size, count - tasks_written))]
        for status in TaskStatus.values:
            column = [task for task in batch if task.status == status]
            for task, rank in zip(column, column_end_ranks(status, len(column)), strict=True):
                task.rank = rank
        Task.objects.bulk_create(batch)
        notifications = [n for task in batch for n in _notifications_for(task, now)]
        Notification.objects.bulk_create(notifications)
        tasks_written += len(batch)
        notifications_written += len(notifications)
        if on_progress:
            on_progress(len(batch))
    if tasks_written:
        # Open boards reload; the reminder loop wakes up to look at the new due times.
        events.publish_after_commit("task.created", {"count": tasks_written})
    return SeedResult(tasks=tasks_written, notifications=notifications_written)
