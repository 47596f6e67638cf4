"""The reminder sweep: every in-progress task whose `next_reminder_at` has passed gets one reminder.

`manage.py run_reminders` (a loop) and the RQ job `reminders.jobs.send_due_reminders` both call
`send_due_reminders`, and any number of either may run at once. Exactly once holds because each batch is
one transaction that claims its rows, writes their reminders and moves `next_reminder_at` past `now`
before it commits: on PostgreSQL the claim is `FOR UPDATE SKIP LOCKED`, so parallel sweepers take
different rows; on SQLite the IMMEDIATE transaction holds the write lock from BEGIN, so sweepers take
turns. A sweeper killed mid-batch commits nothing, and its rows stay due for the next pass.

A pass claims what is due at its start (`now`), and each batch stamps its reminders and reschedules
its tasks from the clock when the batch runs (`sent_at`, never before `now`): a task that fires is
rescheduled to `sent_at + interval`, at least one second later (tasks.models.MIN_INTERVAL_MINUTES;
after downtime that is one catch-up reminder, never a burst). So what a pass rescheduled is never due
again within it: a pass does at most one reminder per task that was due when it started.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Case, DateTimeField, F, QuerySet, Value, When
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notifications_create_reminders
from reminders.due import send_due_date_reminders
from reminders.escalation import escalate_unanswered
from reminders.models import LastPass
from tasks.models import Task

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500


def scheduled_tasks() -> QuerySet[Task]:
    """Tasks with a reminder scheduled: exactly the in-progress ones (task_reminder_only_in_progress).

    Filtered on next_reminder_at alone, the condition of the partial index task_due_reminder_idx
    (tasks.models), so every query below reads only that index's rows: O(due), not O(tasks). Adding
    `status` would let SQLite's planner prefer task_board_order_idx and sort the whole column.
    """
    return Task.objects.filter(next_reminder_at__isnull=False).order_by("next_reminder_at")


def due_tasks(now: datetime) -> QuerySet[Task]:
    """In-progress tasks whose reminder is due, oldest due first."""
    return scheduled_tasks().filter(next_reminder_at__lte=now)


def any_due(now: datetime) -> bool:
    return due_tasks(now).exists()


def next_reminder_at() -> datetime | None:
    """When the earliest scheduled reminder falls due (one probe of the same index)."""
    return scheduled_tasks().values_list("next_reminder_at", flat=True).first()


def seconds_until_next_reminder(*, max_seconds: float, now: datetime | None = None) -> float:
    """How long a loop may sleep: until the next reminder is due, at most `max_seconds`, never < 0."""
    due_at = next_reminder_at()
    if due_at is None:
        return max_seconds
    now = now or timezone.now()
    return min(max_seconds, max(0.0, (due_at - now).total_seconds()))


def rows_per_batch(requested: int) -> int:
    """The batch size to use: at most what one INSERT and one UPDATE carry on this database.

    SQLite allows Django 999 parameters per statement, so bulk_create would split a big batch into
    several INSERTs; capping the batch keeps every batch at a fixed number of queries.
    """
    reminder_fields = [
        field for field in Notification._meta.concrete_fields if not field.primary_key
    ]
    # The reschedule's UPDATE takes at most three parameters per task (its id, and an interval and
    # a due time in the CASE), fewer than the reminder's INSERT, so the INSERT sets the limit.
    return max(
        1, min(requested, connection.ops.bulk_batch_size(reminder_fields, [None] * requested))
    )


# What a batch reads of each task: Task.ping reads the pause, escalation the unanswered count.
_CLAIMED_FIELDS = (
    "id",
    "board_id",
    "name",
    "status",
    "interval_minutes",
    "reminders_paused_until",
    "unanswered_reminders",
)


def send_due_batch(*, now: datetime, batch_size: int, sent_at: datetime | None = None) -> int:
    """Claim up to `batch_size` tasks due at `now`, remind them at `sent_at` (default `now`) and
    reschedule them from it, in one transaction; how many."""
    sent_at = max(now, sent_at or now)
    with transaction.atomic():
        claim = due_tasks(now).only(*_CLAIMED_FIELDS)[:batch_size]
        if connection.features.has_select_for_update_skip_locked:
            claim = claim.select_for_update(skip_locked=True)
        tasks = list(claim)
        if not tasks:
            return 0
        notifications_create_reminders(tasks=tasks, now=sent_at)
        escalate_unanswered(tasks=tasks, now=sent_at)
        _reschedule(tasks, sent_at)
    return len(tasks)


def _reschedule(tasks: list[Task], now: datetime) -> None:
    """Ping every task at `now` (Task.ping schedules its next reminder), in one UPDATE.

    Every task fired at the same `now`, so the next due time depends only on the interval: the CASE
    has one branch per distinct interval (a handful), where bulk_update would build one per task.
    """
    for task in tasks:
        task.ping(now)
    due_at_by_interval = {task.interval_minutes: task.next_reminder_at for task in tasks}
    Task.objects.filter(pk__in=[task.pk for task in tasks]).update(
        last_ping=now,
        # One more reminder with no answer (reminders.escalation counts them).
        unanswered_reminders=F("unanswered_reminders") + 1,
        next_reminder_at=Case(
            *(
                When(interval_minutes=interval, then=Value(due_at))
                for interval, due_at in due_at_by_interval.items()
            ),
            output_field=DateTimeField(),
        ),
    )


def send_due_reminders(
    *,
    now: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """One pass: send every reminder due at `now` in batches; returns how many were sent.

    `should_stop` is asked after each batch (the loop's SIGTERM flag), so a stop finishes the batch
    in hand and leaves the rest due for the next pass.
    """
    started = time.perf_counter()
    # A given `now` (tests, a replay) stands for the whole pass; the live clock moves on per batch,
    # so a reminder sent late in a long pass says when it was sent and is rescheduled from then.
    live_clock = now is None
    now = now or timezone.now()
    sent = 0
    # A read first: an idle pass (the common case) never takes SQLite's write lock.
    if any_due(now):
        batch_size = rows_per_batch(batch_size)
        while True:
            sent_at = timezone.now() if live_clock else now
            count = send_due_batch(now=now, batch_size=batch_size, sent_at=sent_at)
            sent += count
            if count < batch_size or should_stop():
                break
    # Reminders by due date (their own module): "due soon" and "overdue", each sent once.
    sent += send_due_date_reminders(now=now)
    record_pass(at=now, sent=sent, seconds=time.perf_counter() - started)
    return sent


# --- The record of the last pass, for /healthz (settings.HEALTH_REPORTS) -------------------------


def record_pass(*, at: datetime, sent: int, seconds: float) -> None:
    """Overwrite the one LastPass row: a single INSERT ... ON CONFLICT DO UPDATE."""
    LastPass.objects.bulk_create(
        [LastPass(at=at, sent=sent, duration_ms=round(seconds * 1000, 2))],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["at", "sent", "duration_ms"],
    )


def last_pass() -> dict[str, Any]:
    """The last recorded pass, or {"last_pass_at": None} when none ran yet (or it cannot be read)."""
    try:
        record = LastPass.objects.filter(pk=LastPass.ONLY_ROW).first()
    except DatabaseError:
        # /healthz already says the database is down; this part just has nothing to show.
        return {"last_pass_at": None}
    if record is None:
        return {"last_pass_at": None}
    return {
        "last_pass_at": record.at.isoformat(),
        "sent": record.sent,
        "duration_ms": record.duration_ms,
    }
