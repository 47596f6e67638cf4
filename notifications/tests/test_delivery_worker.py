"""The delivery workers of `run_reminders` as real processes: a SIGKILLed worker loses nothing and
doubles nothing, and a hanging receiver does not hold up reminders."""

import time
from collections import Counter

import pytest

from notifications.channel_services import channel_create
from notifications.models import Delivery, DeliveryStatus, Notification
from notifications.tests.receivers import WebhookReceiver
from reminders.tests.reminder_factories import make_due_tasks
from reminders.tests.reminder_processes import Process, django_env

WORKER_ENV = {
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
    "DELIVERY_WORKER_THREADS": "1",
    "DELIVERY_RETRY_BASE_SECONDS": "0",
    "DELIVERY_TIMEOUT_SECONDS": "10",
    "DELIVERY_LEASE_SECONDS": "3",
}


def run_reminders(**env: str) -> Process:
    return Process(
        ["manage.py", "run_reminders", "--max-sleep", "0.5"], django_env(**{**WORKER_ENV, **env})
    )


def wait_until(condition, process: Process, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            process.kill()
            process.finish(timeout=5)
            raise AssertionError(f"timed out; the worker's output:\n{process.output()}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_nothing_and_doubles_nothing(person, delivery_settings):
    # The first request hangs (the worker is killed while waiting); the rest are answered.
    with WebhookReceiver(answers=["hang"], hang_seconds=1.0) as receiver:
        receiver.secret = channel_create(user=person, kind="webhook", target=receiver.url).secret
        make_due_tasks(5)
        first = run_reminders()
        try:
            wait_until(lambda: len(receiver.requests) == 1, first)
            first.popen.kill()  # SIGKILL, mid-request
            first.popen.wait()
        finally:
            first.kill()
        assert Notification.objects.count() == 5
        second = run_reminders()
        try:
            wait_until(
                lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 5, second
            )
        finally:
            second.kill()
    ids = Counter(receiver.ids())
    # Every delivery arrived; the one cut off was sent again after its lease, with its own id, so
    # a receiver that drops duplicates by webhook-id sees each exactly once.
    assert set(ids) == {str(pk) for pk in Delivery.objects.values_list("pk", flat=True)}
    assert sorted(ids.values()) == [1, 1, 1, 1, 2]
    assert receiver.overlaps == 0
    assert receiver.bad_signatures == 0


@pytest.mark.django_db(transaction=True)
def test_a_hanging_receiver_does_not_hold_up_reminders(person, delivery_settings):
    with WebhookReceiver(default="hang", hang_seconds=8.0) as receiver:
        channel_create(user=person, kind="webhook", target=receiver.url)
        make_due_tasks(1)
        loop = run_reminders()
        try:
            wait_until(lambda: len(receiver.requests) == 1, loop)
            # The worker thread waits for the receiver; the sweep goes on.
            started = time.monotonic()
            make_due_tasks(3)
            wait_until(lambda: Notification.objects.count() == 4, loop, timeout=5)
            assert time.monotonic() - started < 3
        finally:
            loop.kill()
