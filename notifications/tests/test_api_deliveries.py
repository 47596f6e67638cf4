"""/notifications/{id}/deliveries and /deliveries/{id}/retry."""

import pytest
from django.utils import timezone

from notifications import dispatch
from notifications.channel_services import channel_create
from notifications.models import DeliveryStatus
from notifications.services import notifications_create_reminders
from notifications.tests.receivers import WebhookReceiver

pytestmark = pytest.mark.django_db


def failed_delivery(person, make_task, receiver_url):
    channel_create(user=person, kind="webhook", target=receiver_url)
    notification = notifications_create_reminders(tasks=[make_task("Backup")], now=timezone.now())[
        0
    ]
    dispatch.send_due_deliveries(max_seconds=10)
    return notification, notification.deliveries.get()


def test_a_notifications_deliveries_show_their_attempts(
    person, person_client, make_task, delivery_settings, django_assert_num_queries
):
    with WebhookReceiver(default=404) as receiver:
        notification, delivery = failed_delivery(person, make_task, receiver.url)
    # session, user, the notification (readable boards), deliveries with channels, attempts
    with django_assert_num_queries(5):
        response = person_client.get(f"/notifications/{notification.pk}/deliveries")
    row = response.json()[0]
    assert (row["id"], row["state"], row["channel_kind"]) == (delivery.pk, "failed", "webhook")
    assert row["attempt_log"][0]["status_code"] == 404
    assert row["attempt_log"][0]["duration_ms"] >= 0


def test_someone_elses_deliveries_are_not_listed(
    person, other_client, make_task, delivery_settings
):
    with WebhookReceiver(default=404) as receiver:
        notification, _ = failed_delivery(person, make_task, receiver.url)
    assert other_client.get(f"/notifications/{notification.pk}/deliveries").json() == []


def test_deliveries_of_an_unknown_notification_are_a_404(person_client):
    assert person_client.get("/notifications/999999/deliveries").status_code == 404
    assert person_client.get("/notifications/abc/deliveries").status_code == 404


def test_a_failed_delivery_can_be_retried(person, person_client, make_task, delivery_settings):
    with WebhookReceiver(answers=[404]) as receiver:
        _, delivery = failed_delivery(person, make_task, receiver.url)
        response = person_client.post(f"/deliveries/{delivery.pk}/retry")
        assert response.status_code == 200
        assert response.json()["state"] == "pending"
        dispatch.send_due_deliveries(max_seconds=10)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert receiver.ids() == [str(delivery.pk)] * 2


def test_only_a_failed_delivery_can_be_retried(person, person_client, make_task, delivery_settings):
    with WebhookReceiver() as receiver:
        _, delivery = failed_delivery(person, make_task, receiver.url)
    assert person_client.post(f"/deliveries/{delivery.pk}/retry").status_code == 409


def test_someone_elses_delivery_cannot_be_retried(
    person, other_client, make_task, delivery_settings
):
    with WebhookReceiver(default=404) as receiver:
        _, delivery = failed_delivery(person, make_task, receiver.url)
    assert other_client.post(f"/deliveries/{delivery.pk}/retry").status_code == 404
