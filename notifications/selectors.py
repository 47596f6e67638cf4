"""Reads for notifications: the shared inbox and each recipient's own, with their unread counts.

The shared inbox is the original's: every notification of the boards the caller may read, with the
shared read flag (anonymous readers and the static API_AUTH_TOKEN). People and bots read their own
inbox entries (notifications.models.InboxEntry), of the boards they may still read.
"""

from django.db import connection
from django.db.models import Count, Max, QuerySet

from boards.access import acts_as_service, readable_boards, readable_boards_key
from boards.models import Board
from notifications.models import InboxEntry, Notification
from tracker.db.compiled import compiled_sql


def has_own_inbox(user) -> bool:
    """People and bots have an inbox of their own; anonymous readers and the static token share one."""
    return bool(user and user.is_authenticated) and not acts_as_service(user)


def notifications_list(
    *,
    boards: QuerySet[Board] | None = None,
    unread_only: bool = False,
    task_id: int | None = None,
    notification_type: str | None = None,
) -> QuerySet[Notification]:
    """The shared inbox of `boards` (None: every board), newest first (notification_newest_idx /
    notification_unread_idx order)."""
    notifications = Notification.objects.order_by("-created_at", "-id")
    if boards is not None:
        notifications = notifications.filter(board__in=boards)
    if unread_only:
        notifications = notifications.filter(is_read=False)
    if task_id is not None:
        notifications = notifications.filter(task_id=task_id)
    if notification_type:
        notifications = notifications.filter(notification_type=notification_type)
    return notifications


def inbox_list(
    *,
    user,
    boards: QuerySet[Board] | None = None,
    unread_only: bool = False,
    task_id: int | None = None,
    notification_type: str | None = None,
) -> QuerySet[InboxEntry]:
    """`user`'s inbox, newest first (inbox_newest_idx), each entry with its notification."""
    entries = InboxEntry.objects.filter(user=user).select_related("notification")
    if boards is not None:
        entries = entries.filter(notification__board__in=boards)
    if unread_only:
        entries = entries.filter(read_at__isnull=True)
    if task_id is not None:
        entries = entries.filter(notification__task_id=task_id)
    if notification_type:
        entries = entries.filter(notification__notification_type=notification_type)
    return entries.order_by("-created_at", "-id")


def unread_count_for(actor) -> int:
    """What `actor` has unread on the boards they may read: in their own inbox (people and bots)
    or in the shared one. One COUNT, its SQL compiled once per kind of reader (tracker.db.compiled):
    GET /notifications/unread-count is polled by every client."""
    own_inbox = has_own_inbox(actor)

    def build(marker: int) -> tuple[str, list]:
        boards = readable_boards(actor)
        if own_inbox:
            unread = inbox_list(user=actor, boards=boards, unread_only=True)
        else:
            unread = notifications_list(boards=boards, unread_only=True)
        sql, params = unread.order_by().values("pk").query.sql_with_params()
        return f"SELECT COUNT(*) FROM ({sql}) AS unread", params  # noqa: S608 (compiled SQL)

    key = ("unread_count", actor.pk if own_inbox else None, readable_boards_key(actor))
    compiled = compiled_sql(key, build)
    if compiled is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        return cursor.fetchone()[0]


def unread_summary(*, boards: QuerySet[Board] | None = None) -> tuple[int, int]:
    """How many shared notifications are unread and the newest unread id (0 if none), in one query."""
    summary = notifications_list(boards=boards, unread_only=True).aggregate(
        count=Count("id"), newest=Max("id")
    )
    return summary["count"], summary["newest"] or 0


def inbox_unread_summary(*, user, boards: QuerySet[Board] | None = None) -> tuple[int, int]:
    """How many of `user`'s entries are unread and the newest unread notification id, in one query."""
    summary = inbox_list(user=user, boards=boards, unread_only=True).aggregate(
        count=Count("id"), newest=Max("notification_id")
    )
    return summary["count"], summary["newest"] or 0


def delivery_marks(*, user, notification_ids: list[int]) -> dict[int, list[dict[str, str]]]:
    """What the inbox shows of each notification's deliveries to `user`'s channels: the channel's
    kind and sent, pending, retrying or failed; one query for a page of notifications."""
    from notifications.models import Delivery, DeliveryStatus

    marks: dict[int, list[dict[str, str]]] = {}
    if not notification_ids:
        return marks
    rows = (
        Delivery.objects.filter(notification_id__in=notification_ids, channel__user=user)
        .order_by("id")
        .values_list("notification_id", "channel__kind", "status", "attempts", "last_error")
    )
    for notification_id, kind, status, attempts, last_error in rows:
        state = "retrying" if status == DeliveryStatus.PENDING and attempts else status
        marks.setdefault(notification_id, []).append(
            {"kind": kind, "state": state, "error": last_error}
        )
    return marks


def board_webhooks_list(*, board: Board) -> QuerySet:
    """A board's webhooks, each with its last delivery's state, event, time, error and status code
    (the settings page and GET /boards/{id}/webhooks/): one query, correlated subqueries."""
    from django.db.models import OuterRef, Subquery

    from notifications.models import BoardWebhook, Delivery, DeliveryAttempt

    last = Delivery.objects.filter(board_webhook=OuterRef("pk")).order_by("-id")
    last_attempt = DeliveryAttempt.objects.filter(delivery__board_webhook=OuterRef("pk")).order_by(
        "-id"
    )
    return BoardWebhook.objects.filter(board=board).annotate(
        last_delivery_id=Subquery(last.values("id")[:1]),
        last_delivery_event=Subquery(last.values("event")[:1]),
        last_delivery_status=Subquery(last.values("status")[:1]),
        last_delivery_attempts=Subquery(last.values("attempts")[:1]),
        last_delivery_error=Subquery(last.values("last_error")[:1]),
        last_delivery_created_at=Subquery(last.values("created_at")[:1]),
        last_delivery_sent_at=Subquery(last.values("sent_at")[:1]),
        last_attempt_status_code=Subquery(last_attempt.values("status_code")[:1]),
        last_attempt_at=Subquery(last_attempt.values("started_at")[:1]),
    )
