"""The outbox: the deliveries of new notifications and board events, written in their own
transaction.

`deliveries_write` runs where inbox entries are written (notifications.services._deliver), inside
the transaction that creates the notifications, so a crash never leaves a notification without its
deliveries nor a delivery of a notification that was rolled back. Workers send them later
(notifications.dispatch); nothing here touches the network, so the reminder sweep never waits for
a receiver.
"""

from django.utils import timezone

from notifications.models import BoardWebhook, Channel, Delivery, Notification


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


def board_deliveries_write(
    events: list[tuple[int, str, dict]], *, notification_ids: list[int | None] | None = None
) -> int:
    """One pending delivery per enabled webhook of each event's board that takes the event:
    `events` are (board id, BoardWebhookEvent value, body); one query for the hooks (with their
    boards' names, for the body) and one bulk insert, for any number of events.

    Called inside the transaction of the change itself (tasks.services._record, the notification
    services), so a change rolled back sends nothing and a committed one is never lost.
    """
    if not events:
        return 0
    hooks_by_board: dict[int, list[BoardWebhook]] = {}
    for hook in (
        BoardWebhook.objects.filter(
            board_id__in={board_id for board_id, _, _ in events}, enabled=True
        )
        .select_related("board")
        .only("id", "board_id", "events", "board__name")
    ):
        hooks_by_board.setdefault(hook.board_id, []).append(hook)
    if not hooks_by_board:
        return 0
    now = timezone.now()
    ids = notification_ids or [None] * len(events)
    rows = [
        Delivery(
            board_webhook=hook,
            notification_id=notification_id,
            event=event,
            payload={"board": {"id": board_id, "name": hook.board.name}, **body},
            next_attempt_at=now,
            created_at=now,
        )
        for (board_id, event, body), notification_id in zip(events, ids, strict=True)
        for hook in hooks_by_board.get(board_id, [])
        if event in hook.events
    ]
    Delivery.objects.bulk_create(rows, batch_size=500)
    return len(rows)
