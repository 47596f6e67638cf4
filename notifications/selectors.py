"""Reads for notifications (the API's list and the unread count)."""

from django.db.models import Count, Max, QuerySet

from notifications.models import Notification


def notifications_list(
    *,
    unread_only: bool = False,
    task_id: int | None = None,
    notification_type: str | None = None,
) -> QuerySet[Notification]:
    """Newest first (the notification_newest_idx / notification_unread_idx order)."""
    notifications = Notification.objects.order_by("-created_at", "-id")
    if unread_only:
        notifications = notifications.filter(is_read=False)
    if task_id is not None:
        notifications = notifications.filter(task_id=task_id)
    if notification_type:
        notifications = notifications.filter(notification_type=notification_type)
    return notifications


def unread_count() -> int:
    """One COUNT over the partial index of unread rows."""
    return Notification.objects.filter(is_read=False).count()


def unread_summary() -> tuple[int, int]:
    """How many notifications are unread and the newest unread id (0 if none), in one query."""
    summary = Notification.objects.filter(is_read=False).aggregate(
        count=Count("id"), newest=Max("id")
    )
    return summary["count"], summary["newest"] or 0
