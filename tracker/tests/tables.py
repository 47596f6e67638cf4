"""What tests compare before and after a request that must change nothing."""

from notifications.models import Notification
from tasks.models import Task


def snapshot() -> tuple[list[dict], list[dict]]:
    """Every task and notification row, every column, in id order."""
    return (
        list(Task.objects.order_by("pk").values()),
        list(Notification.objects.order_by("pk").values()),
    )
