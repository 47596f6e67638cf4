"""The outbox: the deliveries of new notifications, written in the notifications' own transaction.

`deliveries_write` runs where inbox entries are written (notifications.services._deliver), inside
the transaction that creates the notifications, so a crash never leaves a notification without its
deliveries nor a delivery of a notification that was rolled back. Workers send them later
(notifications.dispatch); nothing here touches the network, so the reminder sweep never waits for
a receiver.
"""

from django.utils import timezone

from notifications.models import Channel, Delivery, Notification


def deliveries_write(
    notifications: list[Notification], recipients: dict[int | None, list[int]]
) -> int:
    """One pending delivery per enabled channel, of each recipient, that takes the notification's
    type; one query for the channels and one bulk insert, for any number of notifications."""
    user_ids = {user_id for ids in recipients.values() for user_id in ids}
    if not user_ids:
        return 0
    channels_by_user: dict[int, list[Channel]] = {}
    # Only the columns needed to match; events is a short list, matched here (JSON containment
    # differs between SQLite and PostgreSQL).
    for channel in Channel.objects.filter(user_id__in=user_ids, enabled=True).only(
        "id", "user_id", "events"
    ):
        channels_by_user.setdefault(channel.user_id, []).append(channel)
    if not channels_by_user:
        return 0
    now = timezone.now()
    rows = [
        Delivery(notification=notification, channel=channel, next_attempt_at=now, created_at=now)
        for notification in notifications
        for user_id in recipients.get(notification.task_id, [])
        for channel in channels_by_user.get(user_id, [])
        if notification.notification_type in channel.events
    ]
    Delivery.objects.bulk_create(rows, batch_size=500)
    return len(rows)
