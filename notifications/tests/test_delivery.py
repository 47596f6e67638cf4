"""The outbox (deliveries written with their notification) and the worker step that sends them,
against real receivers: a webhook receiver that verifies signatures, aiosmtpd, Apprise's json://."""

import json

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import dispatch
from notifications.channel_services import channel_create
from notifications.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    InboxEntry,
    NotificationType,
)
from notifications.services import notification_create, notifications_create_reminders
from notifications.tests.receivers import WebhookReceiver, smtp_server

pytestmark = pytest.mark.django_db


def remind(task):
    return notifications_create_reminders(tasks=[task], now=timezone.now())[0]


def send_all() -> int:
    return dispatch.send_due_deliveries(max_seconds=30)


def webhook(person, url: str, **fields) -> Channel:
    return channel_create(user=person, kind="webhook", target=url, **fields)


# --- the outbox ---------------------------------------------------------------------------------


def test_a_notification_gets_one_delivery_per_matching_channel(
    person, make_task, delivery_settings
):
    webhook(person, "http://127.0.0.1:9/a")
    webhook(person, "http://127.0.0.1:9/b", events=["reminder"])
    webhook(person, "http://127.0.0.1:9/c", events=["completion"])
    notification = remind(make_task("Backup"))
    assert notification.deliveries.count() == 2


def test_a_disabled_channel_gets_no_delivery(person, make_task, delivery_settings):
    channel = webhook(person, "http://127.0.0.1:9/a")
    Channel.objects.filter(pk=channel.pk).update(enabled=False)
    assert remind(make_task("Backup")).deliveries.count() == 0


def test_a_rolled_back_notification_leaves_no_delivery(person, make_task, delivery_settings):
    webhook(person, "http://127.0.0.1:9/a")
    task = make_task("Backup")
    with pytest.raises(RuntimeError), transaction.atomic():
        remind(task)
        raise RuntimeError("crash before commit")
    assert Delivery.objects.count() == 0


def test_a_message_for_named_recipients_reaches_their_channels(person, delivery_settings):
    webhook(person, "http://127.0.0.1:9/a", events=["system"])
    notification = notification_create(message="hello", recipients=[person.pk])
    assert InboxEntry.objects.filter(user=person, notification=notification).exists()
    assert notification.deliveries.count() == 1


# --- webhooks -----------------------------------------------------------------------------------


def test_a_webhook_is_signed_and_names_event_task_board_and_notification(
    person, make_task, delivery_settings
):
    with WebhookReceiver() as receiver:
        receiver.secret = webhook(person, receiver.url).secret
        task = make_task("Backup")
        notification = remind(task)
        assert send_all() == 1
    assert receiver.bad_signatures == 0
    body = receiver.bodies()[0]
    assert body["event"] == "reminder"
    assert body["task"]["id"] == task.pk
    assert body["board"]["id"] == task.board_id
    assert body["notification"]["id"] == notification.pk
    delivery = notification.deliveries.get()
    assert receiver.ids() == [str(delivery.pk)]
    assert delivery.status == DeliveryStatus.SENT


def test_a_wrong_secret_fails_the_receivers_check(person, make_task, delivery_settings):
    with WebhookReceiver(secret="whsec_" + "A" * 32) as receiver:
        webhook(person, receiver.url)
        remind(make_task("Backup"))
        send_all()
    assert receiver.bad_signatures == 1


def test_a_5xx_is_retried_with_the_same_webhook_id(person, make_task, delivery_settings):
    with WebhookReceiver(answers=[500, 503, 429]) as receiver:
        webhook(person, receiver.url)
        delivery = remind(make_task("Backup")).deliveries.get()
        assert send_all() == 4
    assert receiver.ids() == [str(delivery.pk)] * 4
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 429, 200]


def test_retries_wait_longer_each_time(delivery_settings):
    delivery_settings.DELIVERY_RETRY_BASE_SECONDS = 10
    delays = [dispatch.retry_delay(n) for n in (1, 2, 3, 4)]
    assert [5 <= d <= 10 for d in delays[:1]] == [True]
    assert 40 <= delays[3] <= 80
    assert dispatch.retry_delay(1, retry_after=120) == 120


def test_a_retry_waits_for_its_backoff(person, make_task, delivery_settings):
    delivery_settings.DELIVERY_RETRY_BASE_SECONDS = 60
    with WebhookReceiver(answers=[500]) as receiver:
        webhook(person, receiver.url)
        delivery = remind(make_task("Backup")).deliveries.get()
        assert send_all() == 1
    delivery.refresh_from_db()
    assert delivery.state == "retrying"
    assert (delivery.next_attempt_at - timezone.now()).total_seconds() > 25


def test_a_4xx_is_not_retried(person, make_task, delivery_settings):
    with WebhookReceiver(default=404) as receiver:
        webhook(person, receiver.url)
        delivery = remind(make_task("Backup")).deliveries.get()
        assert send_all() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "gave up after 1 attempt" in delivery.last_error


def test_a_dead_receiver_gives_up_after_the_last_attempt(person, make_task, delivery_settings):
    delivery_settings.DELIVERY_MAX_ATTEMPTS = 3
    with WebhookReceiver(default=502) as receiver:
        webhook(person, receiver.url)
        delivery = remind(make_task("Backup")).deliveries.get()
        assert send_all() == 3
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempt_log.count() == 3


def test_a_hanging_receiver_times_out_and_is_retried_when_it_recovers(
    person, make_task, delivery_settings
):
    delivery_settings.DELIVERY_TIMEOUT_SECONDS = 0.5
    with WebhookReceiver(answers=["hang"], hang_seconds=2) as receiver:
        webhook(person, receiver.url)
        delivery = remind(make_task("Backup")).deliveries.get()
        assert send_all() == 2
    first, second = delivery.attempt_log.all()
    assert first.status_code is None and "timed out" in first.error
    assert first.duration_ms < 1500
    assert second.succeeded
    assert len(set(receiver.ids())) == 1


def test_a_refused_connection_is_retried(person, make_task, delivery_settings):
    delivery_settings.DELIVERY_MAX_ATTEMPTS = 2
    with WebhookReceiver() as receiver:
        url = receiver.url
    webhook(person, url)  # nothing listens there any more
    delivery = remind(make_task("Backup")).deliveries.get()
    assert send_all() == 2
    assert "Connection" in delivery.attempt_log.first().error


def test_ten_failures_in_a_row_switch_the_channel_off_and_tell_its_owner(
    person, make_task, delivery_settings
):
    delivery_settings.DELIVERY_MAX_ATTEMPTS = 1
    with WebhookReceiver(default=500) as receiver:
        channel = webhook(person, receiver.url, events=["reminder"])
        task = make_task("Backup")
        for _ in range(11):
            remind(task)
        assert send_all() == 10
    channel.refresh_from_db()
    assert channel.enabled is False
    assert "10 failed attempts in a row" in channel.disabled_reason
    assert channel.deliveries.filter(status=DeliveryStatus.PENDING).count() == 0
    notice = InboxEntry.objects.get(
        user=person, notification__notification_type=NotificationType.SYSTEM
    )
    assert "switched off" in notice.notification.message


def test_a_success_resets_the_failure_count(person, make_task, delivery_settings):
    with WebhookReceiver(answers=[500, 500]) as receiver:
        channel = webhook(person, receiver.url)
        remind(make_task("Backup"))
        send_all()
    channel.refresh_from_db()
    assert channel.consecutive_failures == 0


def test_a_private_target_is_refused_at_send_time_too(person, make_task, delivery_settings):
    channel = webhook(person, "http://127.0.0.1:9/a")
    delivery_settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    delivery = remind(make_task("Backup")).deliveries.get()
    send_all()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "private" in delivery.last_error
    assert channel.pk == delivery.channel_id


def test_one_claim_per_delivery(person, make_task, delivery_settings):
    webhook(person, "http://127.0.0.1:9/a")
    remind(make_task("Backup"))
    assert dispatch.claim_one() is not None
    # The lease holds it: no second worker gets it.
    assert dispatch.claim_one() is None


def test_a_claim_whose_lease_ran_out_is_taken_again(person, make_task, delivery_settings):
    webhook(person, "http://127.0.0.1:9/a")
    remind(make_task("Backup"))
    _, first_token = dispatch.claim_one()
    later = timezone.now() + timezone.timedelta(seconds=31)
    delivery, second_token = dispatch.claim_one(now=later)
    assert second_token != first_token
    assert delivery.attempts == 2


def test_a_worker_whose_lease_ran_out_cannot_overwrite_its_successor(
    person, make_task, delivery_settings
):
    from notifications.channels import Outcome

    webhook(person, "http://127.0.0.1:9/a")
    remind(make_task("Backup"))
    stale, stale_token = dispatch.claim_one()
    dispatch.claim_one(now=timezone.now() + timezone.timedelta(seconds=31))
    dispatch.record_attempt(
        delivery=stale,
        token=stale_token,
        outcome=Outcome(ok=True, status_code=200),
        started_at=timezone.now(),
        duration_ms=1.0,
    )
    stale.refresh_from_db()
    assert stale.status == DeliveryStatus.PENDING
    assert DeliveryAttempt.objects.filter(delivery=stale).count() == 1


# --- email and Apprise --------------------------------------------------------------------------


def test_an_email_reaches_a_real_smtp_server(person, make_task, delivery_settings):
    with smtp_server() as (port, messages):
        delivery_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        delivery_settings.EMAIL_HOST = "127.0.0.1"
        delivery_settings.EMAIL_PORT = port
        channel_create(user=person, kind="email", target="pat@example.com")
        remind(make_task("Nightly backup"))
        assert send_all() == 1
    assert len(messages) == 1
    assert messages[0].rcpt_tos == ["pat@example.com"]
    assert b"Nightly backup" in messages[0].content


def test_an_email_to_a_dead_smtp_server_is_retried(person, make_task, delivery_settings):
    delivery_settings.DELIVERY_MAX_ATTEMPTS = 2
    with smtp_server() as (port, _):
        pass
    delivery_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    delivery_settings.EMAIL_HOST = "127.0.0.1"
    delivery_settings.EMAIL_PORT = port
    channel_create(user=person, kind="email", target="pat@example.com")
    delivery = remind(make_task("Nightly backup")).deliveries.get()
    assert send_all() == 2
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED


def test_apprise_json_reaches_a_local_receiver(person, make_task, delivery_settings):
    with WebhookReceiver() as receiver:
        target = receiver.url.replace("http://", "json://")
        channel_create(user=person, kind="apprise", target=target)
        remind(make_task("Nightly backup"))
        assert send_all() == 1
    body = json.loads(receiver.requests[0]["body"])
    assert "Nightly backup" in body["message"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_apprise_failure_is_retried(person, make_task, delivery_settings):
    with WebhookReceiver(answers=[500]) as receiver:
        channel_create(
            user=person, kind="apprise", target=receiver.url.replace("http://", "json://")
        )
        remind(make_task("Nightly backup"))
        assert send_all() == 2
    assert Delivery.objects.get().status == DeliveryStatus.SENT


# --- the RQ job ---------------------------------------------------------------------------------


def test_the_rq_job_sends_due_deliveries_through_a_real_worker(
    person, make_task, delivery_settings, redis_connection
):
    import uuid

    import django_rq
    from rq import SimpleWorker

    from reminders import jobs

    name = f"test-deliveries-{uuid.uuid4().hex}"
    delivery_settings.RQ_QUEUES = {
        **delivery_settings.RQ_QUEUES,
        name: {"URL": delivery_settings.REDIS_URL},
    }
    queue = django_rq.get_queue(name)
    try:
        with WebhookReceiver() as receiver:
            webhook(person, receiver.url)
            remind(make_task("Backup"))
            job = queue.enqueue(jobs.send_due_deliveries)
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        job.refresh()
        assert job.return_value() == 1
        assert len(receiver.requests) == 1
    finally:
        queue.delete(delete_jobs=True)


# --- claims of several deliveries ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lease", "timeout", "size"), [(60, 10, 5), (3, 10, 1), (30, 1, 20), (25, 10, 1)]
)
def test_a_claim_takes_what_can_time_out_within_its_lease(delivery_settings, lease, timeout, size):
    delivery_settings.DELIVERY_LEASE_SECONDS = lease
    delivery_settings.DELIVERY_TIMEOUT_SECONDS = timeout
    assert dispatch.claim_size() == size


def test_two_claims_share_no_delivery(person, make_task, delivery_settings):
    webhook(person, "http://127.0.0.1:9/a")
    task = make_task("Backup")
    for _ in range(7):
        remind(task)
    first, first_token = dispatch.claim(limit=5)
    second, second_token = dispatch.claim(limit=5)
    assert len(first) == 5 and len(second) == 2
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert first_token != second_token
