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


# --- Delivery: channels, the outbox and its attempts (notifications.outbox, .dispatch) -----------


class ChannelKind(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook"
    APPRISE = "apprise", "Apprise"
    WEBPUSH = "webpush", "Web push"


class Channel(models.Model):
    """Somewhere outside the app one person's notifications go: an address, a URL, an Apprise URL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_channels"
    )
    kind = models.CharField(max_length=20, choices=ChannelKind.choices)
    target = models.TextField()
    # The notification types (NotificationType values) this channel receives.
    events = models.JSONField(default=list)
    enabled = models.BooleanField(default=True)
    # A webhook's signing secret (standardwebhooks, "whsec_..."); empty for other kinds.
    secret = models.CharField(max_length=100, blank=True, default="")
    # Failed attempts in a row; CHANNEL_DISABLE_AFTER_FAILURES of them switch the channel off.
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The outbox reads the enabled channels of a notification's recipients.
            models.Index(fields=["user"], condition=Q(enabled=True), name="channel_enabled_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} channel of user {self.user_id}"

    @property
    def target_label(self) -> str:
        """The target as people read it: a web push subscription's JSON is its push service."""
        if self.kind != ChannelKind.WEBPUSH:
            return self.target
        import json
        from urllib.parse import urlsplit

        try:
            host = urlsplit(json.loads(self.target)["endpoint"]).hostname
        except (ValueError, KeyError, TypeError):
            host = None
        return f"a browser (push service {host})" if host else "a browser"


class VapidKey(models.Model):
    """The server's VAPID key pair for web push (notifications.webpush), made on first use.

    In the database so that every web and worker process, on every machine, signs with the same
    key: browsers tie each subscription to the public key it was made with. VAPID_PRIVATE_KEY in
    the environment overrides it.
    """

    # One row, found by name; unique, so two processes making it at once end up with one.
    name = models.CharField(max_length=20, unique=True, default="default")
    # The P-256 private key: 32 bytes, base64url without padding (py_vapid's "raw" form).
    private_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"VAPID key {self.name}"


class BoardWebhookEvent(models.TextChoices):
    """What a board webhook may receive: every change to the board's tasks, and its notifications."""

    TASK_CREATED = "task.created", "Task created"
    # A write that changes no status (a reorder within a column included).
    TASK_UPDATED = "task.updated", "Task updated"
    # A status change (its other changes, if any, ride along in `changes`).
    TASK_MOVED = "task.moved", "Task moved"
    TASK_DELETED = "task.deleted", "Task deleted"
    NOTIFICATION_CREATED = "notification.created", "Notification created"


class BoardWebhook(models.Model):
    """A URL that receives every change on one board (notifications.board_webhooks); its owners'."""

    board = models.ForeignKey("boards.Board", on_delete=models.CASCADE, related_name="webhooks")
    url = models.TextField()
    # The BoardWebhookEvent values it receives.
    events = models.JSONField(default=list)
    enabled = models.BooleanField(default=True)
    # Its signing secret (standardwebhooks, "whsec_..."), shown once, to the owner who adds it.
    secret = models.CharField(max_length=100)
    # Failed attempts in a row; CHANNEL_DISABLE_AFTER_FAILURES of them switch it off, as a channel.
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [
            # Every task write reads the enabled hooks of its board (notifications.outbox).
            models.Index(
                fields=["board"], condition=Q(enabled=True), name="board_webhook_enabled_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"webhook {self.pk} of board {self.board_id}"


class DeliveryStatus(models.TextChoices):
    # Waiting for its (next) attempt at `next_attempt_at`.
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    # Gave up: a permanent refusal, the last retry failed, or the channel was switched off.
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """An outbox row, written in the transaction of what it tells: one notification to one
    person's channel, or one board event (a task change, a notification) to one board webhook."""

    # A channel's notification; a board webhook's notification.created (None for task events).
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Exactly one of channel and board_webhook (delivery_one_target).
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    board_webhook = models.ForeignKey(
        BoardWebhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # A board webhook's event and body as they were at the change (the task may be gone by the send).
    event = models.CharField(max_length=40, blank=True, default="")
    payload = models.JSONField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker's claim: until then no other worker takes it; after it (a killed worker) it is due again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Which claim may finish it: a worker whose lease ran out cannot overwrite its successor's result.
    claim_token = models.CharField(max_length=32, blank=True, default="")
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__isnull=False, board_webhook__isnull=True)
                | Q(channel__isnull=True, board_webhook__isnull=False),
                name="delivery_one_target",
            ),
        ]
        indexes = [
            # The worker's query (notifications.dispatch.due_deliveries) reads only pending rows.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_due_idx",
            ),
        ]

    def __str__(self) -> str:
        if self.board_webhook_id is not None:
            return f"delivery {self.pk} of {self.event} to board webhook {self.board_webhook_id}"
        return f"delivery {self.pk} of notification {self.notification_id} ({self.status})"

    @property
    def state(self) -> str:
        """What the inbox shows: sent, retrying (pending after a failed attempt), pending, failed."""
        if self.status == DeliveryStatus.PENDING and self.attempts:
            return "retrying"
        return self.status


class DeliveryAttempt(models.Model):
    """One try at a delivery: when, how long, and the receiver's status code or the error."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    duration_ms = models.FloatField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attempt {self.pk} of delivery {self.delivery_id}"
