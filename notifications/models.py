from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationType(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    COMPLETION = "completion", "Completion"
    SYSTEM = "system", "System"


class Notification(models.Model):
    # SET_NULL: the history outlives a deleted task; task_name keeps what it was called.
    task = models.ForeignKey(
        "tasks.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    task_name = models.CharField(max_length=200, blank=True, default="")
    message = models.TextField()
    notification_type = models.CharField(
        max_length=20, choices=NotificationType.choices, default=NotificationType.SYSTEM
    )
    is_read = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The newest-first list (notifications.selectors).
            models.Index(fields=["-created_at", "-id"], name="notification_newest_idx"),
            # The unread count and the unread-only list read only the unread rows.
            models.Index(
                fields=["-created_at"], condition=Q(is_read=False), name="notification_unread_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.message
