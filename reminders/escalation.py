"""Escalation: after a board's `escalate_after_reminders` reminders of a task in a row with no
answer, the board's owners get one escalation too (NotificationType.ESCALATION).

The count is the task's `unanswered_reminders`: the sweep adds one per reminder in the same UPDATE
that reschedules it (reminders.sweep._reschedule); an acknowledgement, a snooze
(tasks.reminder_pause) or a status change (tasks.services) sets it back to 0. A task escalates on
the reminder that brings the count to exactly N, so once per run of unanswered reminders. That
holds across any number of sweepers because each reminder is sent by the one sweeper that claimed
the task's row (FOR UPDATE SKIP LOCKED, or SQLite's one writer), which read the count under that
lock. (An owner lowering N below a task's current count: that task escalates in its next run.)
"""

from datetime import datetime

from boards.models import Board
from notifications.services import notifications_create_escalations


def tasks_to_escalate(tasks: list) -> dict[int, int]:
    """Of tasks being reminded now (their count read under the claim's lock, before this reminder),
    the ids of those whose reminder makes N unanswered, with N: one query."""
    thresholds = dict(
        Board.objects.filter(
            pk__in={task.board_id for task in tasks}, escalate_after_reminders__gt=0
        ).values_list("pk", "escalate_after_reminders")
    )
    return {
        task.pk: thresholds[task.board_id]
        for task in tasks
        if task.board_id in thresholds
        and task.unanswered_reminders + 1 == thresholds[task.board_id]
    }


def escalate_unanswered(*, tasks: list, now: datetime) -> int:
    """Escalate the tasks of this batch that reached their board's N; how many. Inside the batch's
    transaction: one query when none does, three more when some do."""
    due = tasks_to_escalate(tasks)
    if not due:
        return 0
    escalated = [task for task in tasks if task.pk in due]
    notifications_create_escalations(tasks=escalated, unanswered=due, now=now)
    return len(escalated)
