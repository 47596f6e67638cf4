"""Changes made elsewhere reach an open board and its bell without a reload."""

import pytest
from playwright.sync_api import expect

from browser_tests.board_page import column
from notifications.models import Notification, NotificationType
from notifications.services import notification_create
from tasks.services import task_create

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
    assert Notification.objects.get().is_read


def test_mark_all_read_clears_the_count(make_page, member):
    for number in range(3):
        notification_create(message=f"Note {number}")
    page = make_page(member)
    page.goto("/")
    expect(page.locator("#unread-count")).to_have_text("3")
    page.get_by_role("button", name="Notifications").click()
    expect(page.locator("#notifications-list li")).to_have_count(3)
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#unread-count")).to_be_hidden()
    assert not Notification.objects.filter(is_read=False).exists()


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
    for _ in range(50):  # wait_for_function would need eval(), which the page's CSP forbids
        if page.evaluate("window.shown.length"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.shown") == [["Status Tracker reminder", "Deploy is still running"]]
