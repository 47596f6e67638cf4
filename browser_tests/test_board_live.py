"""Changes made elsewhere reach an open board and its bell without a reload."""

import time

import pytest
from playwright.sync_api import expect

from browser_tests.board_page import column
from notifications.models import Notification, NotificationType
from notifications.services import notification_create
from tasks.services import task_create
from tracker import events

# The board's window for coalescing live events (LIVE_REFRESH_WINDOW_MILLISECONDS in main.js is
# 300; the bound below allows any window from this one up).
SMALLEST_WINDOW_SECONDS = 0.25

pytestmark = pytest.mark.browser


def test_a_change_through_the_api_appears_without_reload(make_page, api, redis_connection):
    task = task_create(name="Deploy")
    page = make_page()
    page.goto("/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "sse")
    assert api("PATCH", f"/tasks/{task.pk}", {"status": "in_progress"})[0] == 200
    expect(column(page, "in_progress").locator(".card-title")).to_have_text(["Deploy"])
    assert api("POST", "/tasks/", {"name": "From a script"})[0] == 200
    expect(column(page, "todo").locator(".card-title")).to_have_text(["From a script"])
    expect(column(page, "todo").locator(".count")).to_have_text("1")


def test_a_change_made_before_the_stream_opens_is_not_missed(make_page, api, redis_connection):
    page = make_page()

    def change_first(route):
        assert api("POST", "/tasks/", {"name": "Made before the stream opened"})[0] == 200
        route.continue_()

    page.route("**/events/", change_first)
    page.goto("/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "sse")
    expect(column(page, "todo").locator(".card-title")).to_have_text(
        ["Made before the stream opened"]
    )


def test_the_board_polls_when_events_are_unavailable(make_page, api, watch):
    watch.allow_console_error("status of 503")  # the refused stream below
    page = make_page()
    # As when Redis is down: the stream answers 503 and the page must fall back to polling.
    page.route(
        "**/events/", lambda route: route.fulfill(status=503, json={"detail": "unavailable"})
    )
    page.goto("/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "polling")
    assert api("POST", "/tasks/", {"name": "Seen by polling"})[0] == 200
    expect(column(page, "todo").locator(".card-title")).to_have_text(
        ["Seen by polling"], timeout=10_000
    )


def test_a_new_notification_raises_the_bell_and_can_be_marked_read(
    make_page, member, redis_connection
):
    task = task_create(name="Deploy", status="in_progress")
    page = make_page(member)
    page.goto("/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "sse")
    bell = page.get_by_role("button", name="Notifications")
    expect(page.locator("#unread-count")).to_be_hidden()
    notification_create(
        task=task, message="Deploy needs attention", notification_type=NotificationType.REMINDER
    )
    expect(page.locator("#unread-count")).to_have_text("1")
    expect(page.locator("#live-region")).to_have_text("New notification: Deploy needs attention")
    bell.click()
    item = page.locator("#notifications-list li").filter(has_text="Deploy needs attention")
    expect(item.get_by_role("link", name="Open task")).to_have_attribute("href", f"#task-{task.pk}")
    item.get_by_role("button", name="Mark read").click()
    expect(page.locator("#unread-count")).to_be_hidden()
    # Read in alice's own inbox; the original's shared flag is another inbox's.
    notification = Notification.objects.get()
    assert notification.inbox_entries.get(user=member).is_read
    assert not notification.is_read


def test_mark_all_read_clears_the_count(make_page, member):
    for number in range(3):
        task = task_create(name=f"Task {number}")  # unassigned: its board's editors get it
        notification_create(task=task, message=f"Note {number}")
    page = make_page(member)
    page.goto("/")
    expect(page.locator("#unread-count")).to_have_text("3")
    page.get_by_role("button", name="Notifications").click()
    expect(page.locator("#notifications-list li")).to_have_count(3)
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#unread-count")).to_be_hidden()
    assert not member.inbox_entries.filter(read_at__isnull=True).exists()


def test_the_notification_link_opens_its_task(make_page, member):
    task = task_create(name="Deploy", status="done")  # writes a completion notification
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Notifications").click()
    page.get_by_role("link", name="Open task").click()
    expect(page.get_by_role("dialog").get_by_label("Name")).to_have_value(task.name)


def test_a_new_reminder_raises_a_desktop_notification_when_allowed(
    make_page, member, live_url, redis_connection
):
    task = task_create(name="Deploy", status="in_progress")
    page = make_page(member)
    page.context.grant_permissions(["notifications"], origin=live_url)
    # Record what the page shows instead of drawing real desktop notifications.
    page.add_init_script(
        "window.shown = []; window.Notification = class { constructor(title, options) {"
        " window.shown.push([title, options.body]); } static permission = 'granted';"
        " static requestPermission() { return Promise.resolve('granted'); } };"
    )
    page.goto("/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "sse")
    notification_create(
        task=task, message="Deploy is still running", notification_type=NotificationType.REMINDER
    )
    page.wait_for_function("() => window.shown.length > 0")
    assert page.evaluate("window.shown") == [["Status Tracker reminder", "Deploy is still running"]]


def test_a_burst_of_events_makes_few_refreshes_and_the_last_change_shows(
    make_page, redis_connection
):
    page = make_page()
    fetched = {"columns": 0, "notifications": 0}

    def count(request) -> None:
        for fragment in fetched:
            if f"/board/{fragment}" in request.url:
                fetched[fragment] += 1

    with page.expect_response("**/board/state?*"):  # the check made when the stream opens
        page.goto("/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "sse")
    page.on("request", count)
    started = time.monotonic()
    for number in range(60):
        events.publish("task.updated" if number % 2 else "notification.created", {"id": number})
        time.sleep(0.015)
    task_create(name="Last of the burst")  # the change the burst ends with (publishes too)
    notification_create(message="Last notification of the burst")
    burst = time.monotonic() - started
    expect(column(page, "todo").locator(".card-title")).to_have_text(["Last of the burst"])
    expect(page.locator("#unread-count")).to_have_text("1")
    # One refresh at the start of each window the burst spans, one after it: not one per event.
    most = int(burst / SMALLEST_WINDOW_SECONDS) + 2
    assert 1 <= fetched["columns"] <= most, (fetched, burst)
    assert 1 <= fetched["notifications"] <= most, (fetched, burst)


def test_a_live_refresh_keeps_focus_the_open_dialog_and_unchanged_cards(
    make_page, member, api, redis_connection
):
    kept = task_create(name="Kept")
    other = task_create(name="Other")
    page = make_page(member)
    page.goto("/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "sse")
    page.get_by_role("button", name="Kept", exact=True).focus()
    page.evaluate(f"window.keptCard = document.getElementById('task-{kept.pk}')")
    assert api("PATCH", f"/tasks/{other.pk}", {"name": "Renamed elsewhere"})[0] == 200
    expect(page.get_by_role("button", name="Renamed elsewhere", exact=True)).to_be_visible()
    # Swapped in place (no flicker): the unchanged card is the same element, still focused.
    assert page.evaluate(f"window.keptCard === document.getElementById('task-{kept.pk}')")
    expect(page.get_by_role("button", name="Kept", exact=True)).to_be_focused()

    page.get_by_role("button", name="Kept", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Description").fill("typed, not saved yet")
    task_create(name="Added elsewhere")  # publishes its event, as the API does
    expect(column(page, "todo").locator(".card-title")).to_contain_text(["Added elsewhere"])
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Description")).to_be_focused()
    expect(dialog.get_by_label("Description")).to_have_value("typed, not saved yet")
