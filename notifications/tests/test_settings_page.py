"""The "Notifications" settings page (/settings/notifications): add, test, switch off, remove."""

import pytest
from django.test import Client

from notifications.models import Channel
from notifications.tests.receivers import WebhookReceiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_anonymous_visitors_are_sent_to_log_in():
    assert Client().get("/settings/notifications").status_code == 302


def test_adding_a_webhook_shows_its_secret_once(page, person, delivery_settings):
    response = page.post(
        "/settings/notifications",
        {
            "action": "add",
            "kind": "webhook",
            "target": "http://127.0.0.1:9/h",
            "events": ["reminder"],
        },
    )
    channel = Channel.objects.get(user=person)
    assert channel.events == ["reminder"]
    assert channel.secret in response.content.decode()
    assert channel.secret not in page.get("/settings/notifications").content.decode()


def test_a_refused_target_is_explained(page):
    response = page.post(
        "/settings/notifications",
        {"action": "add", "kind": "webhook", "target": "http://10.0.0.1/h"},
    )
    assert response.status_code == 400
    assert "private" in response.content.decode()


def test_the_test_button_sends_a_message(page, person, delivery_settings):
    with WebhookReceiver() as receiver:
        page.post(
            "/settings/notifications", {"action": "add", "kind": "webhook", "target": receiver.url}
        )
        channel = Channel.objects.get(user=person)
        response = page.post("/settings/notifications", {"action": "test", "channel": channel.pk})
    assert "Test message sent." in response.content.decode()
    assert len(receiver.requests) == 1


def test_switch_off_and_remove(page, person, delivery_settings):
    page.post(
        "/settings/notifications", {"action": "add", "kind": "email", "target": "p@example.com"}
    )
    channel = Channel.objects.get(user=person)
    page.post("/settings/notifications", {"action": "disable", "channel": channel.pk})
    channel.refresh_from_db()
    assert channel.enabled is False
    page.post("/settings/notifications", {"action": "remove", "channel": channel.pk})
    assert not Channel.objects.filter(pk=channel.pk).exists()


def test_someone_elses_channel_is_not_found(page, delivery_settings):
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.create_user("quinn")
    theirs = Channel.objects.create(user=other, kind="email", target="q@example.com")
    response = page.post("/settings/notifications", {"action": "remove", "channel": theirs.pk})
    assert response.status_code == 404
    assert Channel.objects.filter(pk=theirs.pk).exists()


def test_quiet_hours_are_saved_from_the_page(page, person):
    response = page.post(
        "/settings/notifications",
        {
            "action": "preferences",
            "time_zone": "Europe/Paris",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    )
    assert "Saved your time zone and quiet hours." in response.content.decode()
    assert person.notification_preferences.time_zone == "Europe/Paris"
    assert 'value="22:00"' in page.get("/settings/notifications").content.decode()


def test_a_bad_time_zone_is_explained_on_the_page(page):
    response = page.post(
        "/settings/notifications", {"action": "preferences", "time_zone": "Nowhere"}
    )
    assert response.status_code == 400
    assert "Nowhere" in response.content.decode()
