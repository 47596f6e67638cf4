"""Quiet hours per person, in their time zone: deliveries wait, the inbox shows them at once."""

from datetime import UTC, datetime, time

import pytest
from django.utils import timezone

from accounts.models import NotificationPreferences
from accounts.services import notification_preferences_update, quiet_hours_end
from notifications import dispatch
from notifications.channel_services import channel_create
from notifications.models import DeliveryStatus, InboxEntry
from notifications.services import notifications_create_reminders
from notifications.tests.receivers import WebhookReceiver

pytestmark = pytest.mark.django_db


def prefs(start: str, end: str, zone: str = "UTC") -> NotificationPreferences:
    return NotificationPreferences(
        time_zone=zone, quiet_start=time.fromisoformat(start), quiet_end=time.fromisoformat(end)
    )


def test_quiet_hours_across_midnight_end_the_next_morning():
    ends = quiet_hours_end(prefs("22:00", "07:00"), datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    assert ends == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)


def test_quiet_hours_are_read_in_the_persons_time_zone():
    # 06:30 UTC is 07:30 in Paris (winter): past the end of quiet hours there.
    assert (
        quiet_hours_end(
            prefs("22:00", "07:00", "Europe/Paris"), datetime(2026, 1, 5, 6, 30, tzinfo=UTC)
        )
        is None
    )
    ends = quiet_hours_end(
        prefs("22:00", "07:00", "Europe/Paris"), datetime(2026, 1, 5, 5, 30, tzinfo=UTC)
    )
    assert ends == datetime(2026, 1, 5, 6, 0, tzinfo=UTC)


def test_outside_quiet_hours_nothing_waits():
    assert quiet_hours_end(prefs("12:00", "13:00"), datetime(2026, 1, 5, 14, 0, tzinfo=UTC)) is None
    assert quiet_hours_end(None, timezone.now()) is None


def test_a_delivery_waits_for_the_end_of_quiet_hours(person, make_task, delivery_settings):
    now = timezone.now()
    start = (now - timezone.timedelta(hours=1)).time().replace(microsecond=0)
    end = (now + timezone.timedelta(hours=1)).time().replace(microsecond=0)
    notification_preferences_update(user=person, quiet_start=start, quiet_end=end)
    with WebhookReceiver() as receiver:
        channel_create(user=person, kind="webhook", target=receiver.url)
        notification = notifications_create_reminders(tasks=[make_task("Backup")], now=now)[0]
        dispatch.send_due_deliveries(max_seconds=10)
    assert receiver.requests == []
    delivery = notification.deliveries.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert delivery.next_attempt_at > now + timezone.timedelta(minutes=50)
    assert InboxEntry.objects.filter(user=person, notification=notification).exists()


def test_preferences_through_the_api(person_client):
    assert person_client.get("/notification-preferences").json() == {
        "time_zone": "UTC",
        "quiet_start": None,
        "quiet_end": None,
    }
    response = person_client.patch(
        "/notification-preferences",
        {"time_zone": "Europe/Paris", "quiet_start": "22:00", "quiet_end": "07:00"},
    )
    assert response.json() == {
        "time_zone": "Europe/Paris",
        "quiet_start": "22:00",
        "quiet_end": "07:00",
    }


def test_an_unknown_time_zone_is_a_400(person_client):
    response = person_client.patch("/notification-preferences", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Mars/Olympus" in str(response.json())
