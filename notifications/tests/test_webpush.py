"""Web push channels against a real push service on loopback (notifications.tests.receivers.
PushService): it checks each request's VAPID signature and decrypts the aes128gcm payload with the
key pair and auth secret of a browser the test makes."""

import base64
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from notifications import dispatch, webpush
from notifications.channel_services import channel_create
from notifications.models import (
    Acknowledgement,
    Channel,
    DeliveryStatus,
    InboxEntry,
    NotificationType,
    VapidKey,
)
from notifications.services import notification_create, notifications_create_reminders
from notifications.tests.receivers import Browser, PushService

pytestmark = pytest.mark.django_db


def remind(task):
    return notifications_create_reminders(tasks=[task], now=timezone.now())[0]


def send_all() -> int:
    return dispatch.send_due_deliveries(max_seconds=30)


def browser_channel(person, service: PushService, **fields) -> Channel:
    return channel_create(user=person, kind="webpush", target=service.subscription(), **fields)


# --- sending ------------------------------------------------------------------------------------


def test_a_reminder_reaches_the_browser_signed_and_encrypted(person, make_task, delivery_settings):
    delivery_settings.SITE_URL = "https://tracker.example.com"
    with PushService(Browser()) as service:
        browser_channel(person, service)
        task = make_task("Nightly backup")
        notification = remind(task)
        assert send_all() == 1
    assert service.refused == []
    [payload] = service.payloads()
    assert payload["title"].startswith("[") and "Nightly backup" in payload["title"]
    assert payload["body"] == notification.message
    assert payload["url"] == f"https://tracker.example.com/?board={task.board_id}#task-{task.pk}"
    assert payload["notification"] == notification.pk
    assert payload["ack_url"].startswith(
        f"https://tracker.example.com/notifications/{notification.pk}/ack?token="
    )
    assert payload["actions"] == [{"action": "ack", "title": "I'm on it"}]


def test_the_push_is_signed_with_the_servers_vapid_key(person, make_task, delivery_settings):
    with PushService(Browser()) as service:
        browser_channel(person, service)
        remind(make_task("Nightly backup"))
        send_all()
    [message] = service.messages
    assert message["claims"]["public_key"] == webpush.public_key()
    assert message["claims"]["sub"] == delivery_settings.VAPID_SUBJECT
    assert message["headers"]["content-encoding"] == "aes128gcm"
    assert int(message["headers"]["ttl"]) == webpush.PUSH_TTL_SECONDS


def test_a_completion_push_has_no_acknowledge_action(person, make_task, delivery_settings):
    with PushService(Browser()) as service:
        browser_channel(person, service)
        notification_create(
            message="done", recipients=[person.pk], notification_type=NotificationType.COMPLETION
        )
        send_all()
    [payload] = service.payloads()
    assert payload["actions"] == [] and payload["ack_url"] == ""


def test_the_pushed_ack_link_acknowledges_without_a_session(person, make_task, delivery_settings):
    with PushService(Browser()) as service:
        browser_channel(person, service)
        notification = remind(make_task("Nightly backup"))
        send_all()
    link = service.payloads()[0]["ack_url"].removeprefix(delivery_settings.SITE_URL)
    # What the service worker does (templates/notifications/sw.js): read the page's CSRF token, POST.
    worker = Client(enforce_csrf_checks=True)
    page = worker.get(link).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    token = link.split("token=", 1)[1]
    response = worker.post(link, {"csrfmiddlewaretoken": csrf, "token": token})
    assert response.status_code == 200
    assert Acknowledgement.objects.get(notification=notification).user == person


@pytest.mark.parametrize("code", [404, 410])
def test_a_gone_subscription_switches_the_channel_off_at_once(
    person, make_task, delivery_settings, code
):
    with PushService(Browser(), default=code) as service:
        channel = browser_channel(person, service)
        delivery = remind(make_task("Nightly backup")).deliveries.get()
        assert send_all() == 1
    channel.refresh_from_db()
    delivery.refresh_from_db()
    assert channel.enabled is False
    assert f"HTTP {code}" in channel.disabled_reason
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    notice = InboxEntry.objects.get(
        user=person, notification__notification_type=NotificationType.SYSTEM
    ).notification.message
    assert "web push channel to a browser (push service 127.0.0.1) was switched off" in notice


def test_a_5xx_or_429_is_retried_until_it_is_delivered(person, make_task, delivery_settings):
    with PushService(Browser(), answers=[500, 503, 429]) as service:
        channel = browser_channel(person, service)
        delivery = remind(make_task("Nightly backup")).deliveries.get()
        assert send_all() == 4
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 429, 201]
    assert len(service.payloads()) == 4
    channel.refresh_from_db()
    assert channel.enabled and channel.consecutive_failures == 0


def test_a_refused_connection_is_retried(person, make_task, delivery_settings):
    delivery_settings.DELIVERY_MAX_ATTEMPTS = 2
    with PushService(Browser()) as service:
        subscription = service.subscription()
    channel_create(user=person, kind="webpush", target=subscription)  # nothing listens any more
    delivery = remind(make_task("Nightly backup")).deliveries.get()
    assert send_all() == 2
    assert "Connection" in delivery.attempt_log.first().error


def test_a_private_endpoint_is_refused_at_send_time(person, make_task, delivery_settings):
    with PushService(Browser()) as service:
        browser_channel(person, service)
        delivery_settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
        delivery = remind(make_task("Nightly backup")).deliveries.get()
        send_all()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "private" in delivery.last_error
    assert service.messages == []


def test_the_channel_test_sends_a_test_push(person, person_client, delivery_settings):
    with PushService(Browser()) as service:
        channel = browser_channel(person, service)
        response = person_client.post(f"/channels/{channel.pk}/test")
    assert response.json() == {"ok": True, "status_code": 201, "error": ""}
    [payload] = service.payloads()
    assert payload["title"] == "Status Tracker: test message"
    assert payload["actions"] == []


def test_the_channel_test_says_when_the_subscription_is_gone(
    person, person_client, delivery_settings
):
    with PushService(Browser(), default=410) as service:
        channel = browser_channel(person, service)
        response = person_client.post(f"/channels/{channel.pk}/test")
    assert response.json()["ok"] is False
    assert response.json()["status_code"] == 410


# --- the API ------------------------------------------------------------------------------------


def test_a_browser_subscription_makes_a_channel(person_client, delivery_settings):
    with PushService(Browser()) as service:
        response = person_client.post(
            "/channels/", {"kind": "webpush", "target": service.subscription()}, format="json"
        )
    assert response.status_code == 201
    assert response.json()["kind"] == "webpush"
    # Stored without what sending does not need (expirationTime).
    assert "expirationTime" not in response.json()["target"]
    assert service.endpoint in response.json()["target"]


JUNK = [
    ("https://push.example.com/x", "PushSubscription as JSON"),
    ("[1, 2]", "a JSON object"),
    ('{"endpoint": "ftp://push.example.com/x", "keys": {}}', "https:// URL"),
    ('{"endpoint": "https://push.example.com/x"}', 'no "keys"'),
    ('{"endpoint": "https://[::1/x", "keys": {}}', "https:// URL"),
    ("[" * 1000 + "]" * 1000, "PushSubscription as JSON"),
    (
        '{"endpoint": "https://push.example.com/x", "keys": {"auth": "AAAAAAAAAAAAAAAAAAAAAA"}}',
        'no "keys.p256dh"',
    ),
]


@pytest.mark.parametrize("target,reason", JUNK)
def test_a_target_that_is_no_subscription_is_a_400(
    person_client, delivery_settings, target, reason
):
    response = person_client.post(
        "/channels/", {"kind": "webpush", "target": target}, format="json"
    )
    assert response.status_code == 400
    assert reason in response.json()["target"][0]


def test_keys_of_the_wrong_size_are_a_400(person_client, delivery_settings):
    browser = Browser()
    good = json.loads(browser.subscription("https://push.example.com/x"))
    for name, value, reason in [
        ("p256dh", "AAAA", '"keys.p256dh" must be 65 bytes'),
        ("p256dh", base64.urlsafe_b64encode(b"\x04" + b"\x00" * 64).decode(), "P-256"),
        ("auth", "AAAA", '"keys.auth" must be 16 bytes'),
        ("auth", "***", "base64url"),
    ]:
        target = {**good, "keys": {**good["keys"], name: value}}
        response = person_client.post(
            "/channels/",
            {"kind": "webpush", "target": json.dumps(target)},
            format="json",
        )
        assert response.status_code == 400, name
        assert reason in response.json()["target"][0]


def test_a_private_endpoint_is_refused_when_made(person_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    target = Browser().subscription("http://127.0.0.1:9/push")
    response = person_client.post(
        "/channels/", {"kind": "webpush", "target": target}, format="json"
    )
    assert response.status_code == 400
    assert "private" in response.json()["target"][0]


# --- the key and the service worker -------------------------------------------------------------


def test_the_key_endpoint_gives_the_public_key_browsers_subscribe_with(person_client):
    response = person_client.get("/channels/webpush-key")
    assert response.status_code == 200
    key = response.json()["public_key"]
    point = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(point) == 65 and point[0] == 4


def test_the_key_is_made_once_and_kept(person_client):
    first = person_client.get("/channels/webpush-key").json()["public_key"]
    second = person_client.get("/channels/webpush-key").json()["public_key"]
    assert first == second
    assert VapidKey.objects.count() == 1


def test_vapid_private_key_in_the_environment_overrides_the_stored_one(person_client, settings):
    stored = person_client.get("/channels/webpush-key").json()["public_key"]
    settings.VAPID_PRIVATE_KEY = webpush.new_private_key()
    assert person_client.get("/channels/webpush-key").json()["public_key"] != stored


def test_the_key_endpoint_needs_a_login(client, db):
    assert client.get("/channels/webpush-key").status_code in (401, 403)


def test_the_service_worker_is_served_at_the_root_for_the_whole_site(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert b'addEventListener("notificationclick"' in response.content


def test_an_unreadable_vapid_private_key_fails_the_system_check(settings):
    settings.VAPID_PRIVATE_KEY = "not-a-key"
    [error] = webpush.check_configured_key()
    assert error.id == "notifications.E001"
    settings.VAPID_PRIVATE_KEY = webpush.new_private_key()
    assert webpush.check_configured_key() == []


def test_the_settings_page_names_a_browser_channel_by_its_push_service(
    person, person_client, delivery_settings
):
    with PushService(Browser()) as service:
        browser_channel(person, service)
    page = person_client.get("/settings/notifications").content.decode()
    assert "a browser (push service 127.0.0.1)" in page
    assert "p256dh" not in page  # the subscription's keys stay out of the page
    assert 'id="webpush-toggle"' in page and 'data-key-url="/channels/webpush-key"' in page
