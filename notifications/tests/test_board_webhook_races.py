"""A change and its board webhook deliveries commit together: on PostgreSQL, a worker running
beside an open change finds nothing to send until it commits, and nothing at all if it rolls back."""

import threading

import pytest
from django.db import connections, transaction

from boards.models import Visibility
from boards.tests.cast import board_with_cast, make_people
from notifications import dispatch
from notifications.board_webhooks import board_webhook_create
from notifications.models import Delivery
from notifications.tests.receivers import WebhookReceiver
from tasks.services import task_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def worker_step() -> int:
    """One delivery worker step on its own connection, as a worker process would run it."""
    handled: list[int] = []

    def run() -> None:
        try:
            handled.append(dispatch.send_one())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the worker hung"
    return handled[0]


@pytest.fixture
def ops():
    return board_with_cast(make_people(), name="Ops", visibility=Visibility.PRIVATE)


def test_a_worker_sends_a_change_only_once_it_commits(ops, delivery_settings):
    with WebhookReceiver() as receiver:
        board_webhook_create(board=ops, url=receiver.url)
        with transaction.atomic():
            task_create(name="Backup", board=ops)
            assert worker_step() == 0  # written, not committed: invisible to the worker
        assert worker_step() == 1
    assert [body["event"] for body in receiver.bodies()] == ["task.created"]


def test_a_change_rolled_back_while_a_worker_runs_sends_nothing(ops, delivery_settings):
    with WebhookReceiver() as receiver:
        board_webhook_create(board=ops, url=receiver.url)
        with pytest.raises(RuntimeError), transaction.atomic():
            task_create(name="Backup", board=ops)
            assert worker_step() == 0
            raise RuntimeError("the change fails after its outbox row was written")
        assert worker_step() == 0
    assert receiver.requests == []
    assert not Delivery.objects.exists()
