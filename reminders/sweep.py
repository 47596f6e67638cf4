"""The reminder sweep: every in-progress task whose `next_reminder_at` has passed gets one reminder.

`manage.py run_reminders` (a loop) and the RQ job `reminders.jobs.send_due_reminders` both call
`send_due_reminders`, and any number of either may run at once. Exactly once holds because each batch is
one transaction that claims its rows, writes their reminders and moves `next_reminder_at` past `now`
before it commits: on PostgreSQL the claim is `FOR UPDATE SKIP LOCKED`, so parallel sweepers take
different rows; on SQLite the IMMEDIATE transaction holds the write lock from BEGIN, so sweepers take
turns. A sweeper killed mid-batch commits nothing, and its rows stay due for the next pass.

A pass uses one `now`: a task that fires is rescheduled to `now + interval` (after downtime that is one
catch-up reminder, never a burst), and the pass ends because nothing it rescheduled is due again.
"""

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, CharField, DateTimeField, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notifications_create_reminders
from tasks.models import Task, TaskStatus
from tracker import events

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
DUE_INDEX = "task_due_reminder_idx"
# The status as an SQL literal, not a parameter: SQLite must see that the query matches the partial
# index's condition when it prepares the statement, before any parameter is bound.
_IN_PROGRESS_LITERAL = RawSQL(  # noqa: S611 - a constant of ours, no input reaches it
    f"'{TaskStatus.IN_PROGRESS.value}'", (), output_field=CharField()
)


def due_tasks(now: datetime) -> QuerySet[Task]:
    """In-progress tasks whose reminder is due, oldest due first.

    The filter and order match the partial index task_due_reminder_idx (tasks.models) exactly, so a
    pass reads only the due rows: O(due), not O(tasks).
    """
    return Task.objects.filter(status=_IN_PROGRESS_LITERAL, next_reminder_at__lte=now).order_by(
        "next_reminder_at"
    )


def through_due_index(tasks: QuerySet[Task]) -> Iterable[Task]:
    """`tasks`, read through task_due_reminder_idx on every database.

    SQLite's planner, without ANALYZE statistics, serves `status = ?` from task_board_order_idx and
    then reads and sorts every in-progress task; INDEXED BY pins the partial index (and fails loudly
    should the query stop matching it). PostgreSQL picks the partial index by itself.
    """
    if connection.vendor != "sqlite":
        return tasks
    sql, params = tasks.query.sql_with_params()
    table = connection.ops.quote_name(Task._meta.db_table)
    index = connection.ops.quote_name(DUE_INDEX)
    return Task.objects.raw(
        sql.replace(f"FROM {table}", f"FROM {table} INDEXED BY {index}", 1), params
    )


def any_due(now: datetime) -> bool:
    return any(True for _ in through_due_index(due_tasks(now).only("id")[:1]))


def next_reminder_at() -> datetime | None:
    """When the earliest scheduled reminder falls due (one probe of the same index)."""
    scheduled = Task.objects.filter(
        status=_IN_PROGRESS_LITERAL, next_reminder_at__isnull=False
    ).order_by("next_reminder_at")
    for task in through_due_index(scheduled.only("id", "next_reminder_at")[:1]):
        return task.next_reminder_at
    return None


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


def send_due_batch(*, now: datetime, batch_size: int) -> int:
    """Claim up to `batch_size` due tasks, remind and reschedule them in one transaction; how many."""
    with transaction.atomic():
        claim = due_tasks(now).only("id", "name", "status", "interval_minutes")[:batch_size]
        if connection.features.has_select_for_update_skip_locked:
            claim = claim.select_for_update(skip_locked=True)
        tasks = list(through_due_index(claim))
        if not tasks:
            return 0
        notifications_create_reminders(tasks=tasks, now=now)
        _reschedule(tasks, now)
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
    now = now or timezone.now()
    sent = 0
    # A read first: an idle pass (the common case) never takes SQLite's write lock.
    if any_due(now):
        batch_size = rows_per_batch(batch_size)
        while True:
            count = send_due_batch(now=now, batch_size=batch_size)
            sent += count
            if count < batch_size or should_stop():
                break
    record_pass(at=now, sent=sent, seconds=time.perf_counter() - started)
    return sent


# --- The record of the last pass, for /healthz --------------------------------------------------
# Kept in Redis so every process (web workers, loop, RQ workers) reads the same thing, and in a file
# beside the database as a fallback while Redis is down; readers take the newer of the two.


def record_pass(*, at: datetime, sent: int, seconds: float) -> None:
    record = json.dumps(
        {"last_pass_at": at.isoformat(), "sent": sent, "duration_ms": round(seconds * 1000, 2)}
    )
    try:
        events.redis_client().set(settings.REMINDERS_STATE_KEY, record)
    except redis.RedisError as error:
        logger.debug("last reminder pass not stored in Redis: %s", error)
    _write_state_file(Path(settings.REMINDERS_STATE_FILE), record)


def _write_state_file(path: Path, record: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a record.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".reminders-")
        with os.fdopen(handle, "w") as file:
            file.write(record)
        os.replace(temporary, path)
    except OSError as error:
        logger.debug("last reminder pass not stored in %s: %s", path, error)


def last_pass() -> dict[str, Any]:
    """The newest recorded pass, or {"last_pass_at": None} when none ran yet."""
    records = []
    try:
        stored = events.redis_client().get(settings.REMINDERS_STATE_KEY)
        if stored:
            records.append(json.loads(stored))
    except (redis.RedisError, ValueError):
        pass
    try:
        records.append(json.loads(Path(settings.REMINDERS_STATE_FILE).read_text()))
    except (OSError, ValueError):
        pass
    records = [
        record for record in records if isinstance(record, dict) and "last_pass_at" in record
    ]
    if not records:
        return {"last_pass_at": None}
    return max(records, key=lambda record: datetime.fromisoformat(record["last_pass_at"]))
