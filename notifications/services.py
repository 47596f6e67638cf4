"""Writes for notifications. Every entry point (API, board, admin, reminder worker) calls these.

Who receives a notification is decided in `recipients_by_task` alone: a task's assignees, or, for
a task with none, its board's owners and editors. Each recipient gets an InboxEntry with their own
read state; the notification's own `is_read` stays the original's shared flag.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from boards.access import default_board
from boards.models import Membership, Role
from notifications import board_webhooks, outbox
from notifications.models import InboxEntry, Notification, NotificationType
from tracker import events

# Who gets the notifications of a task that has no assignee.
UNASSIGNED_RECIPIENT_ROLES = (Role.OWNER, Role.EDITOR)


def completion_message(task_name: str) -> str:
    return f"Task '{task_name}' has been completed!"


def reminder_message(task_name: str, task_id: int) -> str:
    return f"Task '{task_name}' (ID: {task_id}) is still in progress and needs attention!"


def escalation_message(task_name: str, task_id: int, unanswered: int) -> str:
    return (
        f"Task '{task_name}' (ID: {task_id}) got {unanswered} reminders with no answer: "
        "it needs an owner's attention!"
    )


def recipients_by_task(tasks: list) -> dict[int, list[int]]:
    """The user ids each task's notifications go to, in two queries for any number of tasks."""
    if not tasks:
        return {}
    through = type(tasks[0]).assignees.through
    recipients: dict[int, list[int]] = {task.pk: [] for task in tasks}
    for task_id, user_id in through.objects.filter(
        task_id__in=list(recipients), user__is_active=True
    ).values_list("task_id", "user_id"):
        recipients[task_id].append(user_id)
    unassigned_boards = {task.board_id for task in tasks if not recipients[task.pk]}
    if unassigned_boards:
        members: dict[int, list[int]] = {}
        for board_id, user_id in Membership.objects.filter(
            board_id__in=unassigned_boards,
            role__in=UNASSIGNED_RECIPIENT_ROLES,
            user__is_active=True,
        ).values_list("board_id", "user_id"):
            members.setdefault(board_id, []).append(user_id)
        for task in tasks:
            if not recipients[task.pk]:
                recipients[task.pk] = members.get(task.board_id, [])
    return recipients


def _deliver(notifications: list[Notification], recipients: dict[int | None, list[int]]) -> None:
    """One inbox entry per recipient of each notification, in bulk, and their deliveries to the
    recipients' channels (the outbox), in the same transaction."""
    InboxEntry.objects.bulk_create(
        [
            InboxEntry(
                notification=notification, user_id=user_id, created_at=notification.created_at
            )
            for notification in notifications
            for user_id in recipients.get(notification.task_id, [])
        ],
        batch_size=500,
    )
    outbox.deliveries_write(notifications, recipients)


# One transaction for the notification, its inbox entries and its deliveries (the outbox); no
# savepoint, so inside a caller's transaction it costs no query.
@transaction.atomic(savepoint=False)
def notification_create(
    *,
    task=None,
    board=None,
    message: str,
    notification_type: str = NotificationType.SYSTEM,
    now: datetime | None = None,
    recipients: list[int] | None = None,
) -> Notification:
    """A notification about `task` (its recipients get it), or a message on `board` (default: the
    default board) for its shared inbox alone, or for the people `recipients` names."""
    notification = Notification.objects.create(
        task=task,
        board_id=task.board_id if task is not None else (board or default_board()).pk,
        task_name=task.name if task is not None else "",
        message=message,
        notification_type=notification_type,
        created_at=now or timezone.now(),
    )
    if recipients is not None:
        _deliver([notification], {notification.task_id: recipients})
    elif task is not None:
        _deliver([notification], recipients_by_task([task]))
    board_webhooks.notification_events_write([notification])
    events.publish_after_commit(
        "notification.created", {"id": notification.pk, "board": notification.board_id}
    )
    return notification


def notification_create_completion(*, task, now: datetime | None = None) -> Notification:
    return notification_create(
        task=task,
        message=completion_message(task.name),
        notification_type=NotificationType.COMPLETION,
        now=now,
    )


def notifications_create_reminders(*, tasks: Iterable, now: datetime) -> list[Notification]:
    """One reminder row for each task, in a single bulk insert (the reminder sweep's batch)."""
    tasks = list(tasks)
    rows = [
        Notification(
            task=task,
            board_id=task.board_id,
            task_name=task.name,
            message=reminder_message(task.name, task.pk),
            notification_type=NotificationType.REMINDER,
            created_at=now,
        )
        for task in tasks
    ]
    created = Notification.objects.bulk_create(rows)
    if created:
        _deliver(created, recipients_by_task(tasks))
        board_webhooks.notification_events_write(created)
        # The boards, so that live streams pass the event only to pages of those boards.
        boards = sorted({notification.board_id for notification in created})
        events.publish_after_commit(
            "notification.created", {"count": len(created), "boards": boards}
        )
    return created


def notifications_create_escalations(*, tasks: Iterable, unanswered: int | dict, now: datetime):
    """One escalation for each task, to its board's active owners (not the reminder's recipients:
    they are the ones not answering), in one bulk insert; `unanswered` is the reminders without an
    answer, one number or by task id (reminders.escalation decides who escalates)."""
    tasks = list(tasks)
    if not tasks:
        return []
    counts = unanswered if isinstance(unanswered, dict) else {task.pk: unanswered for task in tasks}
    created = Notification.objects.bulk_create(
        Notification(
            task=task,
            board_id=task.board_id,
            task_name=task.name,
            message=escalation_message(task.name, task.pk, counts[task.pk]),
            notification_type=NotificationType.ESCALATION,
            created_at=now,
        )
        for task in tasks
    )
    owners: dict[int, list[int]] = {}
    for board_id, user_id in Membership.objects.filter(
        board_id__in={task.board_id for task in tasks}, role=Role.OWNER, user__is_active=True
    ).values_list("board_id", "user_id"):
        owners.setdefault(board_id, []).append(user_id)
    _deliver(created, {task.pk: owners.get(task.board_id, []) for task in tasks})
    board_webhooks.notification_events_write(created)
    events.publish_after_commit(
        "notification.created",
        {"count": len(created), "boards": sorted({task.board_id for task in tasks})},
    )
    return created


def notification_mark_read(*, notification: Notification) -> bool:
    """Mark one notification read in the shared inbox; True if it changed."""
    changed = Notification.objects.filter(pk=notification.pk, is_read=False).update(is_read=True)
    notification.is_read = True
    if changed:
        events.publish_after_commit("notification.read", {"id": notification.pk})
    return bool(changed)


@transaction.atomic
def notifications_mark_read(*, notifications: QuerySet[Notification] | None = None) -> int:
    """Mark every unread notification (or the unread ones of a queryset) read in the shared inbox;
    returns how many."""
    queryset = Notification.objects.all() if notifications is None else notifications
    count = queryset.filter(is_read=False).update(is_read=True)
    if count:
        events.publish_after_commit("notification.read", {"count": count})
    return count


def inbox_entry_mark_read(*, entry: InboxEntry, now: datetime | None = None) -> bool:
    """Mark one notification read in its recipient's inbox; True if it changed."""
    now = now or timezone.now()
    changed = InboxEntry.objects.filter(pk=entry.pk, read_at__isnull=True).update(read_at=now)
    if changed:
        entry.read_at = now
        events.publish_after_commit(
            "notification.read", {"id": entry.notification_id, "user": entry.user_id}
        )
    return bool(changed)


@transaction.atomic
def inbox_mark_read(*, user, entries: QuerySet[InboxEntry], now: datetime | None = None) -> int:
    """Mark the unread entries of `entries` (part of `user`'s inbox) read; how many."""
    count = entries.filter(user=user, read_at__isnull=True).update(read_at=now or timezone.now())
    if count:
        # Names the reader, so only their streams refresh the bell (tracker.live).
        events.publish_after_commit("notification.read", {"count": count, "user": user.pk})
    return count
