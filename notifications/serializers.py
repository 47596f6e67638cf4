from rest_framework import serializers

from notifications.models import InboxEntry, Notification, NotificationType

ALLOWED_TYPES = ", ".join(NotificationType.values)


class NotificationSerializer(serializers.ModelSerializer):
    # The original's name for the foreign key; null once the task is deleted.
    task_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "board",
            "task_id",
            "task_name",
            "message",
            "notification_type",
            "is_read",
            "created_at",
        ]
        read_only_fields = fields


class InboxEntrySerializer(serializers.Serializer):
    """A notification in a recipient's own inbox: the same fields, with their own read state."""

    id = serializers.IntegerField(source="notification_id")
    board = serializers.IntegerField(source="notification.board_id")
    task_id = serializers.IntegerField(source="notification.task_id", allow_null=True)
    task_name = serializers.CharField(source="notification.task_name")
    message = serializers.CharField(source="notification.message")
    notification_type = serializers.CharField(source="notification.notification_type")
    is_read = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    class Meta:
        model = InboxEntry


class NotificationListQuerySerializer(serializers.Serializer):
    unread_only = serializers.BooleanField(
        required=False, default=False, help_text="true: only the unread ones."
    )
    task = serializers.IntegerField(
        required=False,
        min_value=1,
        # A larger id cannot exist, and the database refuses to compare with it (a 500, not a 400).
        max_value=2**63 - 1,
        help_text="Only the notifications of this task id.",
    )
    group = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "true: a task's reminders as one row (the latest, with `count`, `unread_count`, "
            "`first_created_at`, `summary`); paging counts rows."
        ),
    )
    type = serializers.ChoiceField(
        choices=NotificationType.values,
        required=False,
        error_messages={
            "invalid_choice": '"{input}" is not a valid type. Allowed values: '
            + ALLOWED_TYPES
            + "."
        },
        help_text=f"Only notifications of this type: {ALLOWED_TYPES}.",
    )


class ReadAllQuerySerializer(serializers.Serializer):
    """The list's `task` and `type` filters, for marking one grouped row read."""

    task = NotificationListQuerySerializer._declared_fields["task"]
    type = NotificationListQuerySerializer._declared_fields["type"]


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class NotificationReadSerializer(serializers.Serializer):
    message = serializers.CharField()
    notification_id = serializers.IntegerField()


class NotificationsReadAllSerializer(serializers.Serializer):
    message = serializers.CharField()
    count = serializers.IntegerField()


class AcknowledgementSerializer(serializers.Serializer):
    """What acknowledging answers: who is on it, since when, and until when the reminders wait."""

    message = serializers.CharField()
    notification_id = serializers.IntegerField()
    task_id = serializers.IntegerField(allow_null=True)
    acknowledged_by = serializers.CharField(help_text="The username; empty for the static token.")
    acknowledged_at = serializers.DateTimeField()
    reminders_paused_until = serializers.DateTimeField(
        allow_null=True,
        help_text="When the task's reminders resume; null: the task is not in progress (or gone).",
    )


class NotificationGroupSerializer(serializers.Serializer):
    """A row of the grouped inbox (`?group=true`): the latest notification of a task's reminders,
    or a notification on its own, with how many it stands for."""

    id = serializers.IntegerField(source="notification.pk")
    board = serializers.IntegerField(source="notification.board_id")
    task_id = serializers.IntegerField(source="notification.task_id", allow_null=True)
    task_name = serializers.CharField(source="notification.task_name")
    message = serializers.CharField(source="notification.message")
    notification_type = serializers.CharField(source="notification.notification_type")
    is_read = serializers.BooleanField(help_text="Every notification of the row is read.")
    created_at = serializers.DateTimeField(source="notification.created_at")
    count = serializers.IntegerField(help_text="How many notifications the row stands for.")
    unread_count = serializers.IntegerField()
    first_created_at = serializers.DateTimeField()
    summary = serializers.CharField(
        help_text='"Nightly backup is still in progress: 10 reminders", or the message.'
    )
    acknowledged_by = serializers.SerializerMethodField(
        help_text="Who acknowledged the latest notification (null: nobody yet)."
    )

    def get_acknowledged_by(self, group) -> str | None:
        acknowledgement = group.acknowledgement
        return acknowledgement.actor_name or "someone" if acknowledgement else None
