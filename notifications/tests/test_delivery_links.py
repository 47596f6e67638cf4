"""The links a delivered reminder carries: the task on the board and the signed "I'm on it" link
(notifications.acknowledgements.ack_link), in mail (a real aiosmtpd server), webhooks and Apprise."""

import email
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from notifications import dispatch
from notifications.channel_services import channel_create
from notifications.models import Acknowledgement, NotificationType
from notifications.services import notification_create, notifications_create_reminders
from notifications.tests.receivers import WebhookReceiver, smtp_server

pytestmark = pytest.mark.django_db

SITE = "https://tracker.example.com"


@pytest.fixture
def mail_settings(delivery_settings):
    delivery_settings.SITE_URL = SITE
    delivery_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    delivery_settings.EMAIL_HOST = "127.0.0.1"
    return delivery_settings


def remind(task):
    return notifications_create_reminders(tasks=[task], now=timezone.now())[0]


def mailed_text(envelope) -> str:
    return email.message_from_bytes(envelope.content).get_payload(decode=True).decode()


def test_a_reminder_email_carries_the_signed_ack_link(person, make_task, mail_settings):
    with smtp_server() as (port, messages):
        mail_settings.EMAIL_PORT = port
        channel_create(user=person, kind="email", target="pat@example.com")
        task = make_task("Nightly backup")
        notification = remind(task)
        assert dispatch.send_due_deliveries(max_seconds=30) == 1
    text = mailed_text(messages[0])
    assert f"Open it: {SITE}/?board={task.board_id}#task-{task.pk}" in text
    assert f"I'm on it (pauses the reminders for one interval): {SITE}/notifications/" in text
    assert re.search(rf"{SITE}/notifications/{notification.pk}/ack\?token=\S+", text)


def test_the_mailed_link_acknowledges_from_a_browser_without_a_session(
    person, make_task, mail_settings
):
    with smtp_server() as (port, messages):
        mail_settings.EMAIL_PORT = port
        channel_create(user=person, kind="email", target="pat@example.com")
        notification = remind(make_task("Nightly backup"))
        dispatch.send_due_deliveries(max_seconds=30)
    link = re.search(rf"{SITE}(/notifications/\S+)", mailed_text(messages[0])).group(1)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link)
    assert page.status_code == 200 and not Acknowledgement.objects.exists()
    token = link.split("token=", 1)[1]
    response = browser.post(
        link, {"token": token, "csrfmiddlewaretoken": page.cookies["csrftoken"].value}
    )
    assert response.status_code == 200
    assert Acknowledgement.objects.get(notification=notification).user == person


def test_a_completion_email_has_no_ack_link(person, mail_settings):
    with smtp_server() as (port, messages):
        mail_settings.EMAIL_PORT = port
        channel_create(user=person, kind="email", target="pat@example.com")
        notification_create(
            message="Backup done",
            recipients=[person.pk],
            notification_type=NotificationType.COMPLETION,
        )
        dispatch.send_due_deliveries(max_seconds=30)
    text = mailed_text(messages[0])
    assert "Backup done" in text and "I'm on it" not in text and "/ack?" not in text


def test_a_reminder_webhook_carries_the_task_url_and_the_ack_link(person, make_task, mail_settings):
    with WebhookReceiver() as receiver:
        channel_create(user=person, kind="webhook", target=receiver.url)
        task = make_task("Nightly backup")
        notification = remind(task)
        dispatch.send_due_deliveries(max_seconds=30)
    [body] = receiver.bodies()
    assert body["url"] == f"{SITE}/?board={task.board_id}#task-{task.pk}"
    assert body["ack_url"].startswith(f"{SITE}/notifications/{notification.pk}/ack?token=")


def test_an_apprise_message_carries_the_ack_link(person, make_task, mail_settings):
    with WebhookReceiver() as receiver:
        target = receiver.url.replace("http://", "json://")
        channel_create(user=person, kind="apprise", target=target)
        notification = remind(make_task("Nightly backup"))
        dispatch.send_due_deliveries(max_seconds=30)
    message = json.loads(receiver.requests[0]["body"])["message"]
    assert f"{SITE}/notifications/{notification.pk}/ack?token=" in message
