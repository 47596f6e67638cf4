"""The inbox page marks each notification's deliveries to the viewer's channels."""

import pytest
from django.test import Client
from django.utils import timezone

from notifications import dispatch
from notifications.channel_services import channel_create
from notifications.services import notifications_create_reminders
from notifications.tests.receivers import WebhookReceiver

pytestmark = pytest.mark.django_db


def test_the_inbox_marks_sent_and_failed_deliveries(person, make_task, delivery_settings):
    with WebhookReceiver(answers=[200, 404]) as receiver:
        channel_create(user=person, kind="webhook", target=receiver.url)
        channel_create(user=person, kind="email", target="pat@example.com", events=["system"])
        notifications_create_reminders(tasks=[make_task("Backup")], now=timezone.now())
        notifications_create_reminders(tasks=[make_task("Deploy")], now=timezone.now())
        dispatch.send_due_deliveries(max_seconds=10)
    client = Client()
    client.force_login(person)
    html = client.get("/inbox").content.decode()
    assert html.count('data-delivery="sent"') == 1
    assert html.count('data-delivery="failed"') == 1


def test_a_delivery_waiting_for_its_retry_is_marked_retrying(person, make_task, delivery_settings):
    delivery_settings.DELIVERY_RETRY_BASE_SECONDS = 60
    with WebhookReceiver(answers=[503]) as receiver:
        channel_create(user=person, kind="webhook", target=receiver.url)
        notifications_create_reminders(tasks=[make_task("Backup")], now=timezone.now())
        dispatch.send_due_deliveries(max_seconds=10)
    client = Client()
    client.force_login(person)
    assert "webhook: retrying" in client.get("/inbox").content.decode()
