"""Pausing a task's reminders: an acknowledgement ("I'm on it") or a snooze.

The schedule stays Task.ping's one rule: a pause sets `reminders_paused_until`, and `ping` keeps
`next_reminder_at` at or after it, so the reminder sweep's query (next_reminder_at alone) honours a
pause without knowing about it. A pause also ends the run of unanswered reminders that escalation
counts (reminders.escalation). A status change clears both (tasks.services._apply_status).
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tasks.models import Task, TaskChangeKind, TaskStatus
from tasks.services import _record
from tracker import events

# A snooze lasts from one minute to thirty days.
MIN_SNOOZE_MINUTES = 1
MAX_SNOOZE_MINUTES = 30 * 24 * 60

_PAUSE_FIELDS = ["reminders_paused_until", "unanswered_reminders", "next_reminder_at", "updated_at"]


def _pause(task: Task, *, until: datetime, actor, reason: str, now: datetime) -> Task:
    """Pause the locked, in-progress `task` until `until`, recorded in its history."""
    old = task.reminders_paused_until
    task.pause_reminders(until)
    task.save(update_fields=_PAUSE_FIELDS)
    _record(
        task,
        actor=actor,
        kind=TaskChangeKind.UPDATED,
        changes={
            "reminders_paused_until": [old and old.isoformat(), until.isoformat()],
            "reason": reason,
        },
        now=now,
    )
    events.publish_after_commit(
        "task.updated", {"id": task.pk, "board": task.board_id, "status": task.status}
    )
    return task


@transaction.atomic
def task_snooze(*, task: Task, minutes: int, actor=None, now: datetime | None = None) -> Task:
    """Hold the reminders of an in-progress task for `minutes`; the task as saved.

    Raises ValidationError for a task not in progress (it has no reminders) or minutes out of
    bounds, Task.DoesNotExist when the task is gone.
    """
    now = now or timezone.now()
    if not MIN_SNOOZE_MINUTES <= minutes <= MAX_SNOOZE_MINUTES:
        raise ValidationError(
            {
                "minutes": [
                    f"Snooze for {MIN_SNOOZE_MINUTES} to {MAX_SNOOZE_MINUTES} minutes (30 days)."
                ]
            }
        )
    # Under the row lock: the sweep claims with SKIP LOCKED, so it either reminded before this
    # commits (and the pause starts from its new schedule) or sees the paused schedule.
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.IN_PROGRESS:
        raise ValidationError(
            {
                "status": [
                    f"Task {task.pk} is in {TaskStatus(task.status).label}: only a task in "
                    "progress has reminders to snooze."
                ]
            }
        )
    return _pause(
        task, until=now + timedelta(minutes=minutes), actor=actor, reason="snoozed", now=now
    )


def task_pause_for_acknowledgement(*, task_id: int, actor, now: datetime) -> datetime | None:
    """An acknowledgement of one of the task's reminders pauses them for one interval; when they
    resume, or None when the task is gone or not in progress (nothing to pause)."""
    task = Task.objects.select_for_update().filter(pk=task_id).first()
    if task is None or task.status != TaskStatus.IN_PROGRESS:
        return None
    until = now + task.interval
    if task.reminders_paused_until is not None and task.reminders_paused_until > until:
        # Snoozed for longer: an acknowledgement does not cut the snooze short.
        until = task.reminders_paused_until
    _pause(task, until=until, actor=actor, reason="acknowledged", now=now)
    return task.next_reminder_at


def on_reminder_acknowledged(sender, *, notification, actor, now: datetime, **kwargs):
    # notifications.signals.reminder_acknowledged (connected in tasks.apps), inside the
    # acknowledgement's transaction: notifications does not import tasks.
    if notification.task_id is None:
        return None
    return task_pause_for_acknowledgement(task_id=notification.task_id, actor=actor, now=now)
