"""A person's time zone (accounts.time_zones): chosen, else the browser's; on every page at no cost."""

import pytest
from django.test import Client, RequestFactory

from accounts.services import notification_preferences_update
from accounts.time_zones import browser_time_zone, chosen_time_zone

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_person_who_never_chose_has_no_zone(user):
    assert chosen_time_zone(user) == ""


def test_a_saved_zone_is_the_persons_zone(user):
    notification_preferences_update(user=user, time_zone="Asia/Tokyo")
    assert chosen_time_zone(user) == "Asia/Tokyo"


def test_the_browsers_zone_comes_from_the_cookie_when_it_is_real():
    request = RequestFactory().get("/", HTTP_COOKIE="tz=Europe/Paris")
    assert browser_time_zone(request) == "Europe/Paris"
    request = RequestFactory().get("/", HTTP_COOKIE="tz=Mars/Olympus")
    assert browser_time_zone(request) == ""


def test_the_board_names_the_chosen_zone_for_its_script(user):
    notification_preferences_update(user=user, time_zone="Asia/Tokyo")
    page = logged_in(user).get("/").content.decode()
    assert '<meta name="time-zone" content="Asia/Tokyo">' in page


def test_the_board_names_no_zone_until_one_is_chosen(user):
    page = logged_in(user).get("/").content.decode()
    assert '<meta name="time-zone" content="">' in page


def test_the_zone_comes_with_the_logged_in_person_at_no_query_more(user, django_assert_num_queries):
    notification_preferences_update(user=user, time_zone="Asia/Tokyo")
    client = logged_in(user)
    # The session, then the person with their preferences (one join).
    with django_assert_num_queries(2):
        assert client.get("/accounts/password_change/").status_code == 200


def test_the_settings_page_shows_the_chosen_zone(user):
    notification_preferences_update(user=user, time_zone="Asia/Tokyo")
    page = logged_in(user).get("/settings/notifications").content.decode()
    assert 'value="Asia/Tokyo"' in page


def test_saving_with_no_zone_keeps_the_browsers(user):
    client = logged_in(user)
    client.cookies["tz"] = "America/New_York"
    response = client.post(
        "/settings/notifications", {"action": "preferences", "time_zone": "", "quiet_start": ""}
    )
    assert response.status_code == 200
    user.notification_preferences.refresh_from_db()
    assert user.notification_preferences.time_zone == "America/New_York"
