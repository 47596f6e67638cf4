"""The admin's channel and delivery pages."""

import pytest
from django.utils import timezone

from notifications.channel_services import channel_create
from notifications.services import notifications_create_reminders

pytestmark = pytest.mark.django_db


def test_channel_and_delivery_pages_load_without_the_secret(
    client, staff_user, person, make_task, delivery_settings
):
    channel = channel_create(user=person, kind="webhook", target="http://127.0.0.1:9/h")
    notification = notifications_create_reminders(tasks=[make_task("Backup")], now=timezone.now())[
        0
    ]
    delivery = notification.deliveries.get()
    client.force_login(staff_user)
    for url in (
        "/admin/notifications/channel/",
        f"/admin/notifications/channel/{channel.pk}/change/",
        "/admin/notifications/delivery/",
        f"/admin/notifications/delivery/{delivery.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert channel.secret not in response.content.decode()
