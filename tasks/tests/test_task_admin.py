"""The admin's task list (tasks.admin.TaskAdmin): intervals in words, times short and local."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from accounts.services import notification_preferences_update
from tasks.admin import short_time

pytestmark = pytest.mark.django_db

NOON_UTC = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_a_time_of_this_year_reads_without_the_year():
    assert short_time(NOON_UTC, now=datetime(2025, 12, 1, tzinfo=UTC)) == "1 Jun, 12:00"


def test_a_time_of_another_year_reads_with_it():
    assert short_time(NOON_UTC, now=datetime(2026, 1, 1, tzinfo=UTC)) == "1 Jun 2025, 12:00"


def test_a_time_is_read_in_the_active_zone():
    with timezone.override("Asia/Kolkata"):
        assert short_time(NOON_UTC, now=NOON_UTC) == "1 Jun, 17:30"


def test_no_time_reads_as_the_admins_empty_value():
    assert short_time(None) == "-"


def test_the_list_shows_intervals_in_words(client, staff_user, make_task):
    make_task("Heartbeat", interval_minutes=0.5)
    make_task("Nightly", interval_minutes=1440)
    client.force_login(staff_user)
    page = client.get("/admin/tasks/task/").content.decode()
    assert "Every 30 s" in page
    assert "Every day" in page


def test_the_list_shows_times_in_the_staff_members_zone(client, staff_user, make_task):
    notification_preferences_update(user=staff_user, time_zone="Asia/Kolkata")
    make_task("Old", now=NOON_UTC)
    client.force_login(staff_user)
    page = client.get("/admin/tasks/task/").content.decode()
    assert "1 Jun 2025, 17:30" in page


def test_the_list_shows_times_in_the_browsers_zone_until_one_is_chosen(
    client, staff_user, make_task
):
    make_task("Old", now=NOON_UTC)
    client.force_login(staff_user)
    client.cookies["tz"] = "America/New_York"
    assert "1 Jun 2025, 08:00" in client.get("/admin/tasks/task/").content.decode()


def test_a_long_name_is_shortened_in_the_list(client, staff_user, make_task):
    make_task("Rotate the API keys of every production service before the end of the quarter")
    client.force_login(staff_user)
    page = client.get("/admin/tasks/task/").content.decode()
    assert "Rotate the API keys of every production service before the end …" in page
