"""The delivery worker's step: claim a few due deliveries, send each, record every attempt.

A delivery goes to a person's channel or to a board's webhook (notifications.board_webhooks): the
same claims, retries and failure count for both; quiet hours are a person's alone.

Run by the `run_reminders` loop (DELIVERY_WORKER_THREADS threads beside the sweep, `run_workers`)
and by the RQ job `reminders.jobs.send_due_deliveries`; any number of either may run at once.

A claim is the reminder sweep's: on PostgreSQL the candidate rows are read `FOR UPDATE SKIP
LOCKED`, and on every database a conditional UPDATE takes them only if still due and pending, so
exactly one worker wins each. One claim takes as many as can time out one after another within a
lease (`claim_size`); one whose lease would end before its attempt is given back instead. Claiming moves `next_attempt_at` to the end of a lease (DELIVERY_LEASE_SECONDS)
and commits before anything is sent: the send holds no lock, and a worker killed mid-send leaves its
delivery due again once the lease ends. Its result is written only under its own `claim_token`, so
a worker that outlived its lease cannot overwrite its successor's. A receiver therefore may see one
delivery twice after a crash, always with the same webhook-id (the delivery's id): at least once,
never two attempts at the same time.
"""

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import NotificationPreferences
from accounts.services import quiet_hours_end
from boards.models import Board
from notifications import channels
from notifications.acknowledgements import ACKNOWLEDGEABLE_TYPES, ack_link
from notifications.models import (
    BoardWebhook,
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    NotificationType,
)

logger = logging.getLogger("notifications.dispatch")

# How long an idle worker thread waits before looking for due deliveries again.
IDLE_SLEEP_SECONDS = 1.0


def due_deliveries(now: datetime) -> QuerySet[Delivery]:
    """Pending deliveries whose (next) attempt is due; the partial index delivery_due_idx."""
    return Delivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at")


# The most deliveries one claim takes (one statement claims them; they are sent one by one).
MAX_CLAIM = 20


def claim_size() -> int:
    """How many deliveries one claim may take: as many as can time out, one after another, well
    within one lease, so a later one is never still unsent when its lease ends."""
    per_lease = int(
        settings.DELIVERY_LEASE_SECONDS // max(0.001, settings.DELIVERY_TIMEOUT_SECONDS)
    )
    return max(1, min(MAX_CLAIM, per_lease - 1))


def claim(*, now: datetime | None = None, limit: int = 1) -> tuple[list[Delivery], str]:
    """Claim up to `limit` of the oldest due deliveries for one lease, in one statement; them (with
    their channel, owner's preferences, notification, board and task) and the claim's token."""
    now = now or timezone.now()
    lease_end = now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    token = uuid.uuid4().hex
    with transaction.atomic():
        candidates = due_deliveries(now).values_list("id", flat=True)[:limit]
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates)
        if not ids:
            return [], token
        # Still due and pending: a row another worker claimed meanwhile (SQLite has no SKIP
        # LOCKED; its IMMEDIATE transactions take turns) is left to it.
        Delivery.objects.filter(
            pk__in=ids, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).update(
            next_attempt_at=lease_end,
            claimed_until=lease_end,
            claim_token=token,
            attempts=F("attempts") + 1,
        )
    deliveries = list(
        Delivery.objects.filter(claim_token=token)
        .select_related(
            "channel__user__notification_preferences",
            "board_webhook",
            "notification__board",
            "notification__task",
        )
        .order_by("next_attempt_at", "id")
    )
    return deliveries, token


def claim_one(*, now: datetime | None = None) -> tuple[Delivery, str] | None:
    """Claim the oldest due delivery for one lease; it and the claim's token, or None."""
    deliveries, token = claim(now=now, limit=1)
    return (deliveries[0], token) if deliveries else None


def _release(delivery: Delivery, token: str, *, until: datetime) -> None:
    """Give a claimed delivery back unattempted, due at `until`."""
    Delivery.objects.filter(pk=delivery.pk, claim_token=token).update(
        next_attempt_at=until,
        attempts=F("attempts") - 1,
        claim_token="",
        claimed_until=None,
    )


def message_for(delivery: Delivery) -> channels.Message:
    if delivery.board_webhook_id is not None:
        # The body as the change wrote it (the task may have changed or gone since).
        return channels.Message(
            id=str(delivery.pk),
            event=delivery.event,
            subject=f"Status Tracker: {delivery.event}",
            text=delivery.event,
            payload={"event": delivery.event, "delivery": delivery.pk, **delivery.payload},
        )
    notification = delivery.notification
    board = notification.board
    task = notification.task
    payload = {
        "event": notification.notification_type,
        "delivery": delivery.pk,
        "notification": channels.notification_json(notification),
        "task": (
            {"id": task.pk, "name": task.name, "status": task.status}
            if task is not None
            else (
                {"id": notification.task_id, "name": notification.task_name}
                if notification.task_name
                else None
            )
        ),
        "board": {"id": board.pk, "name": board.name},
    }
    url, ack_url = links_for(delivery)
    payload["url"] = url
    text = f"{notification.message}\n\nBoard: {board.name}\nOpen it: {url}\n"
    if ack_url:
        # Anyone with the mail can answer without logging in: the link is signed for its recipient.
        payload["ack_url"] = ack_url
        text += f"\nI'm on it (pauses the reminders for one interval): {ack_url}\n"
    return channels.Message(
        id=str(delivery.pk),
        event=notification.notification_type,
        subject=f"[{board.name}] {notification.message}"[:200],
        text=text,
        payload=payload,
        url=url,
        ack_url=ack_url,
    )


def links_for(delivery: Delivery) -> tuple[str, str]:
    """The task on its board (SITE_URL), and the signed "I'm on it" link for the channel's owner when
    the notification asks for an answer (else "")."""
    notification = delivery.notification
    url = f"{settings.SITE_URL}/?board={notification.board_id}"
    if notification.task_id is not None:
        url += f"#task-{notification.task_id}"
    ack_url = ""
    if notification.notification_type in ACKNOWLEDGEABLE_TYPES:
        ack_url = ack_link(
            notification=notification, user=delivery.channel.user, base_url=settings.SITE_URL
        )
    return url, ack_url


def channel_test_message(channel: Channel) -> channels.Message:
    """What POST /channels/{id}/test sends."""
    return channels.Message(
        id=f"test_{uuid.uuid4().hex}",
        event="test",
        subject="Status Tracker: test message",
        text="This is a test message from Status Tracker: this channel works.",
        payload={
            "event": "test",
            "channel": channel.pk,
            "message": "This is a test message from Status Tracker: this channel works.",
        },
        url=f"{settings.SITE_URL}/",
    )


def _preferences(user):
    try:
        return user.notification_preferences
    except NotificationPreferences.DoesNotExist:
        return None


def retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter: BASE * 2^(attempts-1), at most MAX, times 0.5 to 1.0 (so
    workers that failed together do not come back together); a 429's Retry-After when longer."""
    base = settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** min(attempts - 1, 30)
    delay = min(settings.DELIVERY_RETRY_MAX_SECONDS, base) * random.uniform(0.5, 1.0)
    if retry_after is not None:
        delay = max(delay, min(retry_after, settings.DELIVERY_RETRY_MAX_SECONDS))
    return delay


def send_one(*, now: datetime | None = None) -> int:
    """Claim a few due deliveries, send and record each; how many were handled (0: none was due,
    the worker may sleep)."""
    deliveries, token = claim(now=now, limit=claim_size())
    timeout = timedelta(seconds=settings.DELIVERY_TIMEOUT_SECONDS)
    switched_off: set[tuple[str, int]] = set()
    handled = 0
    for delivery in deliveries:
        if _target_key(delivery) in switched_off:
            continue  # given up with its channel (channel_disable) or hook
        if delivery is not deliveries[0] and timezone.now() + timeout >= delivery.claimed_until:
            # Its lease would end during the attempt (receivers before it were slow): give it
            # back now rather than risk another worker sending it at the same time.
            _release(delivery, token, until=timezone.now())
            continue
        handled += 1
        if _attempt(delivery, token):
            switched_off.add(_target_key(delivery))
    # Claimed ones count even when given back, so a worker never sleeps while some are due.
    return max(handled, 1) if deliveries else 0


def _target_key(delivery: Delivery) -> tuple[str, int]:
    if delivery.board_webhook_id is not None:
        return ("board_webhook", delivery.board_webhook_id)
    return ("channel", delivery.channel_id)


def _send(delivery: Delivery, now: datetime) -> channels.Outcome:
    message = message_for(delivery)
    hook = delivery.board_webhook
    if hook is not None:
        return channels.post_webhook(hook.url, hook.secret, message, now)
    return channels.send(delivery.channel, message, now=now)


def _attempt(delivery: Delivery, token: str) -> bool:
    """One attempt, recorded; True when its failure switched the channel (or board hook) off."""
    quiet_until = None
    if delivery.channel_id is not None:
        # A person's quiet hours; a board's hooks are programs, never quiet.
        quiet_until = quiet_hours_end(_preferences(delivery.channel.user), timezone.now())
    if quiet_until is not None:
        # The recipient's quiet hours: no attempt now, none counted; due again when they end.
        _release(delivery, token, until=quiet_until)
        return False
    started_at = timezone.now()
    started = time.perf_counter()
    try:
        outcome = _send(delivery, started_at)
    except Exception as error:  # a sender's bug: recorded like a failure, retried
        logger.exception("delivery %s: the sender failed", delivery.pk)
        outcome = channels.Outcome(
            ok=False, retryable=True, error=f"{type(error).__name__}: {error}"
        )
    return record_attempt(
        delivery=delivery,
        token=token,
        outcome=outcome,
        started_at=started_at,
        duration_ms=(time.perf_counter() - started) * 1000,
    )


@transaction.atomic
def record_attempt(
    *,
    delivery: Delivery,
    token: str,
    outcome: channels.Outcome,
    started_at: datetime,
    duration_ms: float,
) -> bool:
    """The attempt's row, the delivery's new state (under its claim) and the channel's failure
    count, in one transaction; True when this failure switched the channel off."""
    now = timezone.now()
    DeliveryAttempt.objects.create(
        delivery=delivery,
        started_at=started_at,
        duration_ms=round(duration_ms, 2),
        status_code=outcome.status_code,
        error=outcome.error[:2000],
        succeeded=outcome.ok,
    )
    mine = Delivery.objects.filter(pk=delivery.pk, claim_token=token)
    if outcome.ok:
        mine.update(
            status=DeliveryStatus.SENT,
            sent_at=now,
            last_error="",
            claim_token="",
            claimed_until=None,
        )
        _target_model(delivery).objects.filter(
            pk=_target_key(delivery)[1], consecutive_failures__gt=0
        ).update(consecutive_failures=0)
        return False
    if outcome.retryable and delivery.attempts < settings.DELIVERY_MAX_ATTEMPTS:
        mine.update(
            next_attempt_at=now
            + timedelta(seconds=retry_delay(delivery.attempts, outcome.retry_after)),
            last_error=outcome.error,
            claim_token="",
            claimed_until=None,
        )
    else:
        mine.update(
            status=DeliveryStatus.FAILED,
            last_error=f"gave up after {delivery.attempts} attempt(s): {outcome.error}",
            claim_token="",
            claimed_until=None,
        )
    return _count_failure(delivery, outcome)


def _target_model(delivery: Delivery) -> type[Channel] | type[BoardWebhook]:
    return BoardWebhook if delivery.board_webhook_id is not None else Channel


def _count_failure(delivery: Delivery, outcome: channels.Outcome) -> bool:
    if delivery.board_webhook_id is not None:
        return _count_hook_failure(delivery, outcome)
    Channel.objects.filter(pk=delivery.channel_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    channel = Channel.objects.select_for_update().get(pk=delivery.channel_id)
    if channel.enabled and outcome.gone:
        # The browser unsubscribed (or its push service forgot it): no retry can reach it.
        channel_disable(
            channel=channel,
            reason=f"the receiver says it no longer exists ({outcome.error or 'gone'})",
            board_id=delivery.notification.board_id,
        )
        return True
    limit = settings.CHANNEL_DISABLE_AFTER_FAILURES
    if channel.enabled and limit and channel.consecutive_failures >= limit:
        channel_disable(
            channel=channel,
            reason=f"{channel.consecutive_failures} failed attempts in a row; the last: "
            f"{outcome.error or 'no answer'}",
            board_id=delivery.notification.board_id,
        )
        return True
    return False


def _count_hook_failure(delivery: Delivery, outcome: channels.Outcome) -> bool:
    from notifications.board_webhooks import board_webhook_disable

    BoardWebhook.objects.filter(pk=delivery.board_webhook_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    hook = BoardWebhook.objects.select_for_update().get(pk=delivery.board_webhook_id)
    limit = settings.CHANNEL_DISABLE_AFTER_FAILURES
    if hook.enabled and limit and hook.consecutive_failures >= limit:
        board_webhook_disable(
            hook=hook,
            reason=f"{hook.consecutive_failures} failed attempts in a row; the last: "
            f"{outcome.error or 'no answer'}",
        )
        return True
    return False


def channel_disable(*, channel: Channel, reason: str, board_id: int) -> None:
    """Switch a failing channel off, give up its pending deliveries, and tell its owner in the app
    (on the board of the notification that failed last: one they can read)."""
    from notifications.services import notification_create

    channel.enabled = False
    channel.disabled_reason = reason
    channel.save(update_fields=["enabled", "disabled_reason"])
    Delivery.objects.filter(channel=channel, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error=f"channel switched off: {reason}"
    )
    notification_create(
        board=Board(pk=board_id),
        message=f"Your {channel.get_kind_display().lower()} channel to {channel.target_label} was "
        f"switched off: {reason}. Check it and switch it on again in Notifications settings.",
        notification_type=NotificationType.SYSTEM,
        recipients=[channel.user_id],
    )
    logger.warning("channel %s switched off: %s", channel.pk, reason)


def send_due_deliveries(
    *, max_seconds: float = 50.0, should_stop: Callable[[], bool] = lambda: False
) -> int:
    """Send due deliveries one by one until none is due, `should_stop`, or `max_seconds` have
    passed (the RQ job's budget); how many were attempted."""
    deadline = time.monotonic() + max_seconds
    count = 0
    while time.monotonic() < deadline and not should_stop():
        sent = send_one()
        if not sent:
            break
        count += sent
    return count


# --- The worker threads of `run_reminders` -----------------------------------------------------


def _worker(should_stop: Callable[[], bool]) -> None:
    from django.db import DatabaseError, connections

    failures = 0
    try:
        while not should_stop():
            try:
                worked = send_one()
                failures = 0
            except Exception as error:  # a worker outlives a bad step and retries
                failures += 1
                if isinstance(error, DatabaseError):
                    logger.warning("delivery step failed: %s", error)
                else:
                    logger.exception("delivery step failed")
                connections.close_all()
                worked = False
            if not worked:
                _sleep(min(30.0, IDLE_SLEEP_SECONDS * 2 ** min(failures, 5)), should_stop)
    finally:
        connections.close_all()


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while not should_stop() and time.monotonic() < deadline:
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))


def run_workers(*, threads: int, should_stop: Callable[[], bool]) -> list[threading.Thread]:
    """Start `threads` delivery workers (daemon threads), each claiming on its own, so a hanging
    receiver holds up one thread for one timeout, not the others nor the reminder sweep."""
    workers = [
        threading.Thread(
            target=_worker, args=(should_stop,), name=f"delivery-worker-{n}", daemon=True
        )
        for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    return workers
