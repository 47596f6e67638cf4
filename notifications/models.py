from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationType(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    COMPLETION = "completion", "Completion"
    # Something needs a person now: a task stalled, a script failed, a reminder went unanswered.
    ESCALATION = "escalation", "Escalation"
    SYSTEM = "system", "System"


class Notification(models.Model):
    """One reminder, completion or message, on one board.

    `is_read` is the original's shared read flag: the shared inbox of anonymous readers and the
    API_AUTH_TOKEN (notifications.selectors). People and bots read their own InboxEntry rows.
    """

    board = models.ForeignKey(
        "boards.Board", on_delete=models.CASCADE, related_name="notifications"
    )
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


class InboxEntry(models.Model):
    """A notification in one recipient's inbox, with that recipient's own read state."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="inbox_entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_entries"
    )
    # The notification's, copied so that one index orders a recipient's inbox.
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "inbox entries"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "notification"], name="inbox_entry_one_per_recipient"
            ),
        ]
        indexes = [
            # A recipient's inbox, newest first (notifications.selectors).
            models.Index(fields=["user", "-created_at", "-id"], name="inbox_newest_idx"),
            # A recipient's unread count reads only their unread rows.
            models.Index(
                fields=["user", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="inbox_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification} (to user {self.user_id})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Acknowledgement(models.Model):
    """Someone answered a reminder or an escalation: "I'm on it" (notifications.acknowledgements).

    It pauses the task's reminders for one interval; `paused_until` says until when (None: the task
    was no longer in progress, nothing to pause).
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    # None: the account was deleted since; `actor_name` keeps who it was.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True, default="")
    at = models.DateTimeField(default=timezone.now)
    paused_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # A notification's acknowledgements, newest first (the inbox shows the latest).
            models.Index(fields=["notification", "-at"], name="ack_notification_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name or 'someone'} acknowledged notification {self.notification_id}"
