"""Board webhooks: URLs a board's owners add to receive every change on the board (README
"Delivery").

A change writes its deliveries in its own transaction, through the outbox
(`outbox.board_deliveries_write`): task changes from tasks.services._record, the one place every
task write is recorded (API, board, admin, agents' pings, claims), and notifications from
notifications.services. The delivery worker (notifications.dispatch) sends them as it sends a
person's webhook channel: Standard Webhooks signatures, the delivery's id as webhook-id on every
retry, backoff, claims, and the switch-off after CHANNEL_DISABLE_AFTER_FAILURES failures in a row
(the board's owners are told in the app). Who may manage them (owners) is the API's to check.
"""

import logging
import uuid
from datetime import datetime

from django.db import transaction
from standardwebhooks.webhooks import Webhook

from boards.models import Board, Membership, Role
from notifications import channels, outbox
from notifications.channel_services import switch, webhook_secret
from notifications.models import (
    BoardWebhook,
    BoardWebhookEvent,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationType,
)

logger = logging.getLogger("notifications.board_webhooks")

ALL_EVENTS = list(BoardWebhookEvent.values)


# --- Managing a board's hooks ------------------------------------------------------------------


def board_webhook_create(
    *, board: Board, url: str, events: list[str] | None = None, actor=None
) -> BoardWebhook:
    """A new enabled hook on `board` with a fresh signing secret; raises channels.TargetRefused
    for a URL it may not send to (as a person's webhook channel)."""
    channels.check_webhook_url(url)
    hook = BoardWebhook(
        board=board,
        url=url,
        events=list(dict.fromkeys(events)) if events else list(ALL_EVENTS),
        secret=webhook_secret(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    Webhook(hook.secret)  # the secret is one the signer accepts
    hook.save()
    return hook


@transaction.atomic
def board_webhook_update(
    *,
    hook: BoardWebhook,
    url: str | None = None,
    events: list[str] | None = None,
    enabled: bool | None = None,
) -> BoardWebhook:
    """Change the fields given; raises BoardWebhook.DoesNotExist when deleted meanwhile."""
    hook = BoardWebhook.objects.select_for_update().get(pk=hook.pk)
    fields = []
    if url is not None and url != hook.url:
        channels.check_webhook_url(url)
        hook.url = url
        fields.append("url")
    if events is not None:
        hook.events = list(dict.fromkeys(events))
        fields.append("events")
    if enabled is not None and enabled != hook.enabled:
        fields += switch(
            hook,
            enabled,
            pending=Delivery.objects.filter(board_webhook=hook),
            why_off="webhook switched off by an owner",
        )
    if fields:
        hook.save(update_fields=fields)
    return hook


def board_webhook_delete(*, hook: BoardWebhook) -> None:
    # Its deliveries and their attempts go with it (CASCADE).
    hook.delete()


def board_webhook_disable(*, hook: BoardWebhook, reason: str) -> None:
    """Switch a failing hook off (the caller holds its row lock), give up its pending deliveries,
    and tell the board's owners in the app."""
    from notifications.services import notification_create

    hook.enabled = False
    hook.disabled_reason = reason
    hook.save(update_fields=["enabled", "disabled_reason"])
    Delivery.objects.filter(board_webhook=hook, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error=f"webhook switched off: {reason}"
    )
    owners = list(
        Membership.objects.filter(
            board_id=hook.board_id, role=Role.OWNER, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    notification_create(
        board=Board(pk=hook.board_id),
        message=f"The board's webhook to {hook.url} was switched off: {reason}. Check it and "
        "switch it on again in the board's settings.",
        notification_type=NotificationType.SYSTEM,
        recipients=owners,
    )
    logger.warning("board webhook %s switched off: %s", hook.pk, reason)


def test_message(hook: BoardWebhook) -> channels.Message:
    """What POST /boards/{id}/webhooks/{hook_id}/test sends."""
    text = "This is a test message from Status Tracker: this board webhook works."
    return channels.Message(
        id=f"test_{uuid.uuid4().hex}",
        event="test",
        subject="Status Tracker: test message",
        text=text,
        payload={
            "event": "test",
            "webhook": hook.pk,
            "board": {"id": hook.board_id, "name": hook.board.name},
            "message": text,
        },
    )


# --- The events (written in the change's transaction) ------------------------------------------


def _task_body(task) -> dict:
    due_date = task.due_date
    return {
        "id": task.pk,
        "name": task.name,
        "status": task.status,
        "priority": task.priority,
        "due_date": due_date.isoformat() if isinstance(due_date, datetime) else due_date,
    }


def task_event_write(*, task, kind: str, changes: dict, actor_name: str, now: datetime) -> int:
    """The deliveries of one task change (tasks.models.TaskChangeKind `kind`) to its board's hooks;
    a change of status is task.moved. How many were written.

    A delete archives (tasks.services.task_archive): hooks hear task.deleted then, marked
    `"archived": true`, and task.created marked `"restored": true` on a restore; the purge of an
    archived task later sends nothing more."""
    marks = {}
    if kind == "created":
        event = BoardWebhookEvent.TASK_CREATED
    elif kind == "restored":
        event, marks = BoardWebhookEvent.TASK_CREATED, {"restored": True}
    elif kind == "archived":
        event, marks = BoardWebhookEvent.TASK_DELETED, {"archived": True}
    elif kind == "deleted":
        if getattr(task, "archived_at", None) is not None:
            return 0  # purged after its archive, which hooks heard as task.deleted
        event = BoardWebhookEvent.TASK_DELETED
    elif "status" in changes:
        event = BoardWebhookEvent.TASK_MOVED
    else:
        event = BoardWebhookEvent.TASK_UPDATED
    body = {
        "at": now.isoformat(),
        "actor": actor_name or None,
        "task": _task_body(task),
        "changes": changes,
        **marks,
    }
    return outbox.board_deliveries_write([(task.board_id, event, body)])


def notification_events_write(notifications: list[Notification]) -> int:
    """The notification.created deliveries of new notifications to their boards' hooks."""
    events = []
    for notification in notifications:
        # The task the notification was made with is cached on it: no query.
        task = notification.task if notification.task_id is not None else None
        events.append(
            (
                notification.board_id,
                BoardWebhookEvent.NOTIFICATION_CREATED,
                {
                    "at": notification.created_at.isoformat(),
                    "notification": channels.notification_json(notification),
                    "task": (
                        {"id": task.pk, "name": task.name, "status": task.status}
                        if task is not None
                        else None
                    ),
                },
            )
        )
    return outbox.board_deliveries_write(
        events, notification_ids=[notification.pk for notification in notifications]
    )
