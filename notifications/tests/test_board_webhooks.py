"""Board webhooks: every change on a board, written to the outbox in the change's transaction and
sent by the delivery worker to a real receiver on loopback that verifies the Standard Webhooks
signature and counts duplicates."""

import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from boards.models import Visibility
from boards.tests.cast import board_with_cast, make_people
from notifications import dispatch
from notifications.board_webhooks import board_webhook_create
from notifications.models import (
    BoardWebhook,
    Delivery,
    DeliveryStatus,
    InboxEntry,
    NotificationType,
)
from notifications.services import notification_create
from notifications.tests.receivers import WebhookReceiver
from tasks.heartbeats import task_ping
from tasks.models import PingKind, Task
from tasks.reminder_pause import task_snooze
from tasks.services import (
    archived_tasks_purge,
    task_archive,
    task_create,
    task_delete,
    task_restore,
    task_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db) -> dict:
    return make_people()


@pytest.fixture
def ops(people):
    """A private board: olivia owns it, eddie edits, vera views."""
    return board_with_cast(people, name="Ops", visibility=Visibility.PRIVATE)


@pytest.fixture
def receiver():
    with WebhookReceiver() as running:
        yield running


def hook_on(board, receiver: WebhookReceiver, **fields) -> BoardWebhook:
    hook = board_webhook_create(board=board, url=receiver.url, **fields)
    receiver.secret = hook.secret  # the receiver verifies every signature with it
    return hook


def send_all() -> int:
    return dispatch.send_due_deliveries(max_seconds=30)


def received(receiver: WebhookReceiver) -> list[dict]:
    assert receiver.bad_signatures == 0
    return receiver.bodies()


# --- one test per event kind ---------------------------------------------------------------------


def test_a_new_task_is_task_created_signed_with_its_board(ops, people, receiver, delivery_settings):
    hook_on(ops, receiver)
    task = task_create(name="Backup", board=ops, actor=people["editor"])
    send_all()
    [body] = received(receiver)
    assert body["event"] == "task.created"
    assert body["task"] == {
        "id": task.pk,
        "name": "Backup",
        "status": "todo",
        "priority": "medium",
        "due_date": None,
    }
    assert body["board"] == {"id": ops.pk, "name": "Ops"}
    assert body["actor"] == "eddie"
    assert receiver.requests[0]["headers"]["webhook-id"] == str(body["delivery"])


def test_an_edit_is_task_updated_with_its_changes(ops, people, receiver, delivery_settings):
    task = task_create(name="Backup", board=ops)
    hook_on(ops, receiver)
    task_update(task=task, name="Nightly backup", priority="high", actor=people["owner"])
    send_all()
    [body] = received(receiver)
    assert body["event"] == "task.updated"
    assert body["changes"] == {"name": ["Backup", "Nightly backup"], "priority": ["medium", "high"]}
    assert body["task"]["name"] == "Nightly backup"


def test_a_status_change_is_task_moved(ops, receiver, delivery_settings):
    task = task_create(name="Backup", board=ops)
    hook_on(ops, receiver, events=["task.moved"])
    task_update(task=task, status="in_progress")
    send_all()
    [body] = received(receiver)
    assert body["event"] == "task.moved"
    assert body["changes"]["status"] == ["todo", "in_progress"]


def test_a_deleted_task_is_task_deleted_with_what_it_was(ops, receiver, delivery_settings):
    task = task_create(name="Backup", board=ops, status="in_progress")
    hook_on(ops, receiver)
    task_id = task_delete(task=task)
    send_all()
    [body] = received(receiver)
    assert body["event"] == "task.deleted"
    assert body["task"]["id"] == task_id
    assert body["task"]["name"] == "Backup"
    assert body["task"]["status"] == "in_progress"


def test_a_delete_that_archives_is_task_deleted_and_its_restore_task_created(
    ops, receiver, delivery_settings
):
    task = task_create(name="Backup", board=ops)
    hook_on(ops, receiver)
    task_archive(task=task)  # what DELETE /tasks/{id} and the board's Delete do
    task_restore(task=Task.all_objects.get(pk=task.pk))
    send_all()
    deleted, created = received(receiver)
    assert (deleted["event"], deleted["archived"]) == ("task.deleted", True)
    assert (created["event"], created["restored"]) == ("task.created", True)
    assert deleted["task"]["id"] == created["task"]["id"] == task.pk


def test_purging_an_archived_task_sends_no_second_delete(ops, receiver, delivery_settings):
    task = task_create(name="Backup", board=ops)
    hook_on(ops, receiver)
    task_archive(task=task, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert archived_tasks_purge(now=datetime(2026, 3, 1, tzinfo=UTC), retention_days=30) == 1
    send_all()
    assert [body["event"] for body in received(receiver)] == ["task.deleted"]


def test_a_notification_is_notification_created(ops, receiver, delivery_settings):
    task = task_create(name="Backup", board=ops)
    hook_on(ops, receiver, events=["notification.created"])
    task_update(task=task, status="done")  # writes the completion notification
    send_all()
    [body] = received(receiver)
    assert body["event"] == "notification.created"
    assert body["notification"]["type"] == NotificationType.COMPLETION
    assert body["notification"]["message"] == "Task 'Backup' has been completed!"
    assert body["task"] == {"id": task.pk, "name": "Backup", "status": "done"}


def test_a_board_message_with_no_task_is_notification_created_too(ops, receiver, delivery_settings):
    hook_on(ops, receiver)
    notification_create(board=ops, message="Maintenance tonight")
    send_all()
    [body] = received(receiver)
    assert body["event"] == "notification.created"
    assert body["task"] is None


# --- which hooks, which changes ------------------------------------------------------------------


def test_a_hook_receives_only_the_events_it_takes(ops, receiver, delivery_settings):
    hook_on(ops, receiver, events=["task.deleted"])
    task = task_create(name="Backup", board=ops)
    task_update(task=task, name="Nightly backup")
    task_delete(task=task)
    send_all()
    assert [body["event"] for body in received(receiver)] == ["task.deleted"]


def test_another_boards_changes_do_not_reach_the_hook(ops, people, receiver, delivery_settings):
    other = board_with_cast(people, name="Other", visibility=Visibility.PRIVATE)
    hook_on(ops, receiver)
    task_create(name="Elsewhere", board=other)
    assert Delivery.objects.count() == 0


def test_a_switched_off_hook_gets_nothing(ops, receiver, delivery_settings):
    hook = hook_on(ops, receiver)
    BoardWebhook.objects.filter(pk=hook.pk).update(enabled=False)
    task_create(name="Backup", board=ops)
    assert Delivery.objects.count() == 0


def test_a_rolled_back_change_sends_nothing(ops, receiver, delivery_settings):
    hook_on(ops, receiver)
    with pytest.raises(RuntimeError), transaction.atomic():
        task_create(name="Backup", board=ops)
        raise RuntimeError("crash before commit")
    assert Delivery.objects.count() == 0
    assert send_all() == 0
    assert receiver.requests == []


def test_an_agents_start_ping_is_task_moved(ops, people, receiver, delivery_settings):
    task = task_create(name="Backup", board=ops)
    hook_on(ops, receiver)
    task_ping(task=task, kind=PingKind.START, actor=people["editor"])
    send_all()
    [body] = received(receiver)
    assert body["event"] == "task.moved"
    assert body["changes"]["status"] == ["todo", "in_progress"]


def test_a_snooze_is_task_updated(ops, receiver, delivery_settings):
    task = task_create(name="Backup", board=ops, status="in_progress")
    hook_on(ops, receiver, events=["task.updated"])
    task_snooze(task=task, minutes=60)
    send_all()
    [body] = received(receiver)
    assert body["changes"]["reason"] == "snoozed"


def test_the_admins_move_action_reaches_the_hook(client, ops, receiver, delivery_settings):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "root-pw-1")
    task = task_create(name="Backup", board=ops)
    hook_on(ops, receiver, events=["task.moved"])
    client.force_login(admin)
    answer = client.post(
        "/admin/tasks/task/",
        {"action": "move_to_done", "_selected_action": [task.pk]},
    )
    assert answer.status_code == 302
    send_all()
    [body] = received(receiver)
    assert body["changes"]["status"] == ["todo", "done"]


# --- retries, duplicates, failures ------------------------------------------------------------


def test_a_5xx_is_retried_with_the_same_webhook_id(ops, delivery_settings):
    with WebhookReceiver(answers=[503]) as receiver:
        hook_on(ops, receiver)
        task_create(name="Backup", board=ops)
        send_all()
    ids = receiver.ids()
    assert len(ids) == 2 and ids[0] == ids[1]
    assert receiver.bad_signatures == 0
    # A receiver that drops duplicates by webhook-id handles it once.
    assert len(set(ids)) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert Delivery.objects.get().attempt_log.count() == 2


def test_ten_failures_in_a_row_switch_the_hook_off_and_tell_the_owners(
    ops, people, delivery_settings
):
    delivery_settings.DELIVERY_MAX_ATTEMPTS = 1
    with WebhookReceiver(default=500) as receiver:
        hook = hook_on(ops, receiver, events=["task.updated"])
        task = task_create(name="Backup", board=ops)
        for number in range(11):
            task_update(task=task, description=f"run {number}")
        assert send_all() == 10
    hook.refresh_from_db()
    assert hook.enabled is False
    assert "10 failed attempts in a row" in hook.disabled_reason
    assert hook.deliveries.filter(status=DeliveryStatus.PENDING).count() == 0
    notice = InboxEntry.objects.get(
        user=people["owner"], notification__notification_type=NotificationType.SYSTEM
    )
    assert "switched off" in notice.notification.message
    assert not InboxEntry.objects.filter(user=people["editor"]).exists()


def test_a_success_resets_the_hooks_failure_count(ops, delivery_settings):
    with WebhookReceiver(answers=[500, 500]) as receiver:
        hook = hook_on(ops, receiver)
        task_create(name="Backup", board=ops)
        send_all()
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0
    assert len(receiver.requests) == 3


def test_a_private_target_is_refused_at_send_time_too(ops, receiver, delivery_settings):
    hook_on(ops, receiver)
    delivery_settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    task_create(name="Backup", board=ops)
    send_all()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "private" in delivery.last_error
    assert receiver.requests == []


def test_the_body_is_what_the_change_wrote_even_after_the_task_is_gone(
    ops, receiver, delivery_settings
):
    hook_on(ops, receiver, events=["task.created"])
    task = task_create(name="Backup", board=ops)
    Task.objects.filter(pk=task.pk).delete()
    send_all()
    [body] = received(receiver)
    assert body["task"]["name"] == "Backup"
    assert json.loads(receiver.requests[0]["body"]) == body
