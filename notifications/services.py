"""Writes for notifications. Every entry point (API, board, admin, reminder worker) calls these."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from notifications.models import Notification, NotificationType
from tracker import events


def completion_message(task_name: str) -> str:
    return f"Task '{task_name}' has been completed!"


def reminder_message(task_name: str, task_id: int) -> str:
    return f"Task '{task_name}' (ID: {task_id}) is still in progress and needs attention!"


def notification_create(
    *,
    task=None,
    message: str,
    notification_type: str = NotificationType.SYSTEM,
    now: datetime | None = None,
) -> Notification:
    notification = Notification.objects.create(
        task=task,
        task_name=task.name if task is not None else "",
        message=message,
        notification_type=notification_type,
        created_at=now or timezone.now(),
    )
    events.publish_after_commit("notification.created", {"id": notification.pk})
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
    rows = [
        Notification(
            task=task,
            task_name=task.name,
            message=reminder_message(task.name, task.pk),
            notification_type=NotificationType.REMINDER,
            created_at=now,
        )
        for task in tasks
    ]
    created = Notification.objects.bulk_create(rows)
    if created:
        events.publish_after_commit("notification.created", {"count": len(created)})
    return created


def notification_mark_read(*, notification: Notification) -> bool:
    """Mark one notification read; True if it changed."""
    changed = Notification.objects.filter(pk=notification.pk, is_read=False).update(is_read=True)
    notification.is_read = True
    if changed:
        events.publish_after_commit("notification.read", {"id": notification.pk})
    return bool(changed)


@transaction.atomic
def notifications_mark_read(*, notifications: QuerySet[Notification] | None = None) -> int:
    """Mark every unread notification (or the unread ones of a queryset) read; returns how many."""
    queryset = Notification.objects.all() if notifications is None else notifications
    count = queryset.filter(is_read=False).update(is_read=True)
    if count:
        events.publish_after_commit("notification.read", {"count": count})
    return count
