"""Heartbeats: pings from the scripts and agents that do a task's work, and the stall sweep.

A plain ping (`/tasks/{id}/ping`, no body) is one UPDATE of the task's own row by its primary key,
conditional on the values it was computed from (status, interval, grace, holder): no lock, no
transaction, nothing shared with other tasks. The schedule comes from `Task.ping` (the one place
`next_reminder_at` is computed), so a task that keeps pinging is never reminded. If a concurrent
write changed those values meanwhile, the ping reads the row again and retries.

Lifecycle pings (start, success, fail) move the task through tasks.services (the status rules),
keep a PingLog row with the exit status and the tail of the body, and a fail notifies at once.

Only heartbeat pings arm the stall timer (`stalls_at`): a task that never pings keeps today's
behaviour exactly, reminded by the sweep. `mark_stalled` (called by the reminder loop and job) flags
the tasks whose timer passed while in progress, once, with an escalation; the next ping clears it.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from notifications.models import NotificationType
from notifications.services import notification_create
from tasks.models import PING_LOG_MAX_BYTES, PingKind, PingLog, Task, TaskStatus
from tasks.services import task_update

# The columns a ping reads to compute its write (and conditions the write on).
# reminders_paused_until: Task.ping honours an acknowledgement's or a snooze's pause.
PING_COLUMNS = (
    "id",
    "board",
    "name",
    "status",
    "interval_minutes",
    "grace_minutes",
    "reminders_paused_until",
)
# What a ping reads (the API's lookup reads them with the access check, saving a query).
PING_READ = (*PING_COLUMNS, "claimed_by", "lease_minutes")
_PING_READ_COLUMNS = {Task._meta.get_field(name).attname for name in PING_READ}
_ATTEMPTS = 5
# Where a lifecycle ping moves the task.
_TARGET_STATUS = {
    PingKind.START: TaskStatus.IN_PROGRESS,
    PingKind.SUCCESS: TaskStatus.DONE,
    PingKind.FAIL: TaskStatus.IN_PROGRESS,
}


def stalls_at(task: Task, moment: datetime) -> datetime | None:
    """When a task heartbeating at `moment` counts as stalled: one interval (the reminder's due
    time, Task.reminder_due_after) plus its grace later, while in progress; else never."""
    if task.status != TaskStatus.IN_PROGRESS:
        return None
    return task.reminder_due_after(moment) + timedelta(minutes=task.grace_minutes)


def log_tail(body: bytes) -> tuple[str, bool]:
    """The last PING_LOG_MAX_BYTES of a ping's body as text, and whether it was cut: the end of a
    script's output is where its error is."""
    truncated = len(body) > PING_LOG_MAX_BYTES
    if truncated:
        body = body[-PING_LOG_MAX_BYTES:]
    return body.decode("utf-8", errors="replace").replace("\x00", ""), truncated


def _write_ping(task: Task, now: datetime, *, failed: bool, exit_status: int | None) -> bool:
    """The ping's one UPDATE, if the row still has the values `task` was read with."""
    task.ping(now)
    values: dict[str, Any] = {
        "last_ping": now,
        "next_reminder_at": task.next_reminder_at,
        "stalls_at": stalls_at(task, now),
        "stalled": False,
        "failed": failed,
        "last_exit_status": exit_status,
    }
    if task.claimed_by_id is not None and task.lease_minutes:
        values["lease_until"] = now + timedelta(minutes=task.lease_minutes)
    unchanged = {column: getattr(task, column) for column in PING_COLUMNS[3:]}
    return (
        Task.objects.filter(pk=task.pk, claimed_by_id=task.claimed_by_id, **unchanged).update(
            **values
        )
        == 1
    )


def _ping_row(
    task_id: int,
    now: datetime,
    *,
    failed: bool,
    exit_status: int | None,
    read: Task | None = None,
) -> Task:
    """Write the ping from `read` (the row as the caller read it) or a fresh read, and again from
    a fresh read if a concurrent write came between."""
    for _ in range(_ATTEMPTS):
        task, read = read or Task.objects.filter(pk=task_id).only(*PING_READ).first(), None
        if task is None:
            raise Task.DoesNotExist(f"Task {task_id} does not exist.")
        if _write_ping(task, now, failed=failed, exit_status=exit_status):
            return task
    raise DatabaseError(f"Task {task_id} kept changing; the ping was not recorded.")


def task_ping(
    *,
    task: Task,
    kind: str = PingKind.PING,
    actor=None,
    exit_status: int | None = None,
    body: bytes = b"",
    now: datetime | None = None,
) -> None:
    """Record a ping of `kind` for `task` (whose caller checked the editor role: boards.access).

    A plain ping with a nonzero exit status counts as a fail (as Healthchecks' /ping/<status>).
    Raises Task.DoesNotExist when the task is gone.
    """
    now = now or timezone.now()
    if kind == PingKind.PING and exit_status not in (None, 0):
        kind = PingKind.FAIL
    if kind == PingKind.PING and not body:
        fresh = task if not task.get_deferred_fields() & _PING_READ_COLUMNS else None
        _ping_row(task.pk, now, failed=False, exit_status=exit_status, read=fresh)
        return
    _lifecycle_ping(task=task, kind=kind, actor=actor, exit_status=exit_status, body=body, now=now)


@transaction.atomic
def _lifecycle_ping(
    *, task: Task, kind: str, actor, exit_status: int | None, body: bytes, now: datetime
) -> None:
    target = _TARGET_STATUS.get(kind)
    if target is not None and task.status != target:
        task = task_update(task=task, status=target, actor=actor, now=now)
    failed = kind == PingKind.FAIL
    task = _ping_row(task.pk, now, failed=failed, exit_status=exit_status)
    if kind == PingKind.SUCCESS and task.claimed_by_id is not None:
        # Done: the claim has served its purpose.
        Task.objects.filter(pk=task.pk).update(
            claimed_by=None, lease_minutes=None, lease_until=None
        )
    text, truncated = log_tail(body)
    PingLog.objects.create(
        task_id=task.pk,
        kind=kind,
        exit_status=exit_status,
        body=text,
        truncated=truncated,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=now,
    )
    if failed:
        status = f" with exit status {exit_status}" if exit_status is not None else ""
        notification_create(
            task=task,
            message=f"Task '{task.name}' failed{status}.",
            notification_type=NotificationType.ESCALATION,
            now=now,
        )


# --- The stall sweep (reminders.sweep calls it each pass) ------------------------------------


def mark_stalled(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Flag the in-progress tasks whose stall time passed, each with one escalation; disarm the
    timer of every task it passed for (in progress or not). How many stalled."""
    now = now or timezone.now()
    if not Task.objects.filter(stalls_at__lte=now).exists():
        return 0  # the common case: no write lock taken (SQLite)
    with transaction.atomic():
        claim = (
            Task.objects.filter(stalls_at__lte=now)
            .order_by("stalls_at")
            .only("id", "board_id", "name", "status", "stalled")[:batch_size]
        )
        if connection.features.has_select_for_update_skip_locked:
            claim = claim.select_for_update(skip_locked=True)
        tasks = list(claim)
        stalling = [t for t in tasks if t.status == TaskStatus.IN_PROGRESS and not t.stalled]
        Task.objects.filter(pk__in=[t.pk for t in tasks], stalls_at__lte=now).update(stalls_at=None)
        Task.objects.filter(pk__in=[t.pk for t in stalling]).update(stalled=True)
        for task in stalling:
            notification_create(
                task=task,
                message=f"Task '{task.name}' stalled: no ping within its interval and grace.",
                notification_type=NotificationType.ESCALATION,
                now=now,
            )
    return len(stalling)


def next_stall_at() -> datetime | None:
    """When the earliest armed stall timer passes (one probe of task_stalls_at_idx)."""
    return (
        Task.objects.filter(stalls_at__isnull=False)
        .order_by("stalls_at")
        .values_list("stalls_at", flat=True)
        .first()
    )


def health_report() -> dict[str, Any]:
    """For /healthz (settings.HEALTH_REPORTS): how many tasks are stalled and failed now."""
    try:
        counts = Task.objects.aggregate(
            stalled=Count("pk", filter=Q(stalled=True)), failed=Count("pk", filter=Q(failed=True))
        )
    except DatabaseError:
        return {"stalled": None, "failed": None}
    return counts
