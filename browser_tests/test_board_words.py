"""The board in a person's words: intervals with units, times in their time zone, plain-word
errors, and nothing shown that does not apply."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from accounts.services import notification_preferences_update
from browser_tests.board_page import card
from tasks.models import TaskStatus
from tasks.services import task_create

pytestmark = pytest.mark.browser

# 12:00 UTC: 21:00 in Tokyo, 08:00 in New York (daylight saving time in June).
NOON_UTC = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_an_interval_in_hours_is_sent_in_minutes_and_shown_in_hours(make_page, member, api):
    page = make_page(member)
    page.goto("/")
    new_task = page.get_by_role("form", name="New task")
    new_task.get_by_label("Name").fill("Backup")
    new_task.get_by_label("Remind every").fill("2")
    new_task.get_by_label("Unit").select_option("hours")
    new_task.get_by_role("button", name="Add task").click()
    expect(card(page, "Backup")).to_contain_text("Every 2 h")
    status, answer = api("GET", "/tasks/")
    assert status == 200
    assert [task["interval_minutes"] for task in answer] == [120]


def test_the_dialog_shows_the_interval_in_its_unit_and_saves_seconds(make_page, member):
    task = task_create(name="Heartbeat", interval_minutes=1440)
    page = make_page(member)
    page.goto("/")
    expect(card(page, "Heartbeat")).to_contain_text("Every day")
    page.get_by_role("button", name="Heartbeat", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Remind every")).to_have_value("1")
    expect(dialog.get_by_label("Unit")).to_have_value("days")
    dialog.get_by_label("Remind every").fill("30")
    dialog.get_by_label("Unit").select_option("seconds")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(card(page, "Heartbeat")).to_contain_text("Every 30 s")
    task.refresh_from_db()
    assert task.interval_minutes == 0.5


def test_errors_are_in_plain_words_in_the_dialog(make_page, member, watch):
    watch.allow_console_error("status of 400")  # Chromium logs every 4xx answer to fetch()
    task_create(name="Draft")
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Draft", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("  ")
    dialog.get_by_label("Remind every").fill("2")
    dialog.get_by_label("Unit").select_option("days")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator("#edit-name-error")).to_have_text("Give the task a name.")
    dialog.get_by_label("Name").fill("Draft")
    dialog.get_by_label("Remind every").fill("400")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator("#edit-interval-error")).to_have_text(
        "Choose an interval between 1 second and 1 year."
    )
    expect(dialog.get_by_label("Remind every")).to_have_attribute("aria-invalid", "true")


def test_times_are_in_the_time_zone_the_person_chose(make_page, member):
    notification_preferences_update(user=member, time_zone="Asia/Tokyo")
    task_create(name="Report", now=NOON_UTC)
    page = make_page(member, locale="en-GB", timezone_id="America/New_York")
    page.goto("/")
    page.get_by_role("button", name="Report", exact=True).click()
    expect(page.locator("#detail-created")).to_contain_text("1 Jun 2026, 21:00")


def test_times_are_in_the_browsers_time_zone_until_the_person_chooses(make_page, member):
    task_create(name="Report", now=NOON_UTC)
    page = make_page(member, locale="en-GB", timezone_id="America/New_York")
    page.goto("/")
    page.get_by_role("button", name="Report", exact=True).click()
    expect(page.locator("#detail-created")).to_contain_text("1 Jun 2026, 08:00")


def test_the_settings_page_shows_and_saves_the_time_zone(make_page, member):
    page = make_page(member, timezone_id="America/New_York")
    page.goto("/")  # the board's script tells the server the browser's zone
    page.goto("/settings/notifications")
    zone = page.get_by_role("combobox", name="Time zone")
    expect(zone).to_have_value("")
    expect(page.get_by_text("your browser's (America/New_York) is used")).to_be_visible()
    zone.fill("Europe/Paris")
    page.get_by_role("button", name="Save").last.click()
    expect(page.get_by_role("combobox", name="Time zone")).to_have_value("Europe/Paris")
    member.notification_preferences.refresh_from_db()
    assert member.notification_preferences.time_zone == "Europe/Paris"


def test_last_ping_is_not_shown_for_a_task_that_never_started(make_page, member):
    task_create(name="Someday")
    task_create(name="Running", status=TaskStatus.IN_PROGRESS)
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Someday", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Created", exact=True)).to_be_visible()
    expect(dialog.get_by_text("Last ping", exact=True)).to_be_hidden()
    expect(dialog.get_by_text("Next reminder", exact=True)).to_be_hidden()
    dialog.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Running", exact=True).click()
    expect(dialog.get_by_text("Last ping", exact=True)).to_be_visible()
    expect(dialog.get_by_text("Next reminder", exact=True)).to_be_visible()


def test_the_interval_fits_a_phone(make_page, member, screenshots):
    page = make_page(member, viewport={"width": 375, "height": 800})
    page.goto("/")
    page.get_by_role("button", name="New task").click()  # a phone keeps the form behind it
    new_task = page.get_by_role("form", name="New task")
    new_task.get_by_label("Name").fill("x")
    unit = new_task.get_by_label("Unit")
    expect(unit).to_be_visible()
    box = unit.bounding_box()
    assert box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    new_task.screenshot(path=screenshots / "words-new-task-375px.png")
