"""What anyone sees: the board without logging in, safe rendering, the layouts."""

import pytest
from playwright.sync_api import expect

from browser_tests.board_page import card, card_names, column
from tasks.services import task_create

pytestmark = pytest.mark.browser


def test_anonymous_board_shows_tasks_in_their_columns(make_page):
    task_create(name="Write report", description="Quarterly numbers")
    task_create(name="Deploy", status="in_progress", interval_minutes=12)
    task_create(name="Ship", status="done")
    page = make_page()
    page.goto("/")
    assert card_names(page, "todo") == ["Write report"]
    assert card_names(page, "in_progress") == ["Deploy"]
    assert card_names(page, "done") == ["Ship"]
    expect(column(page, "in_progress").locator(".count")).to_have_text("1")
    expect(card(page, "Deploy")).to_contain_text("Next reminder in 12 min")
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    expect(page.get_by_role("button", name="Add task")).to_have_count(0)


def test_hostile_task_name_is_shown_as_text_and_runs_no_script(make_page, api):
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    task_create(name=hostile, status="done")  # also writes a completion notification naming it
    page = make_page()
    page.goto("/")
    expect(column(page, "done").locator(".card-title")).to_have_text(hostile)
    # The same name arriving live, rendered by the page's own refresh.
    api("POST", "/tasks/", {"name": hostile + " (live)"})
    expect(column(page, "todo").locator(".card-title")).to_have_text(hostile + " (live)")
    page.get_by_role("button", name="Notifications").click()
    expect(page.locator("#notifications-list")).to_contain_text(hostile)
    assert page.evaluate("window.pwned") is None
    assert page.locator("#board-columns img, #notifications-list img").count() == 0


def test_the_page_loads_nothing_from_other_hosts(make_page, watch, live_url):
    task_create(name="Deploy")
    page = make_page()
    page.goto("/")
    page.get_by_role("button", name="Notifications").click()
    expect(page.locator("#notifications-empty")).to_be_visible()
    assert watch.requests, "the route saw the page's requests"
    assert all(url.startswith(live_url) for url in watch.requests)


def test_search_filters_the_cards(make_page):
    task_create(name="Nightly backup")
    task_create(name="Deploy")
    page = make_page()
    page.goto("/")
    page.get_by_role("searchbox", name="Search tasks").fill("backup")
    expect(column(page, "todo").locator(".card-title")).to_have_text(["Nightly backup"])
    assert "q=backup" in page.url


def test_phone_layout_has_one_column_and_no_sideways_scroll(make_page, screenshots, member):
    task_create(name="A task with a rather long name that has to wrap on a small phone screen")
    task_create(name="Deploy", status="in_progress", description="Roll out to production")
    task_create(name="Ship", status="done")
    page = make_page(member, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page.goto("/")
    # One column at a time, chosen by tabs; the New task form behind its button (issue 17).
    expect(page.get_by_role("button", name="New task")).to_be_visible()
    expect(page.get_by_role("tab")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(column(page, "todo")).to_be_visible()
    expect(column(page, "done")).to_be_hidden()
    page.screenshot(path=screenshots / "board-375px.png", full_page=True)


def test_screenshots_desktop_and_dark(make_page, screenshots, member):
    task_create(
        name="Nightly backup",
        description="Dump the database and copy it to the NAS.",
        status="in_progress",
        interval_minutes=30,
    )
    task_create(
        name="Deploy v2.4",
        description="Staging first, then production.",
        status="in_progress",
        interval_minutes=10,
    )
    task_create(name="Rotate API keys", interval_minutes=1440)
    task_create(name="Update dependencies", description="pip and npm; read the changelogs.")
    task_create(name="Write release notes", interval_minutes=90)
    task_create(
        name="Fix flaky test",
        description="test_reminders failed once on PostgreSQL.",
        status="done",
    )
    for scheme in ["light", "dark"]:
        page = make_page(member, color_scheme=scheme)
        page.goto("/")
        expect(page.locator("#connection-state")).not_to_have_attribute("data-state", "static")
        page.screenshot(path=screenshots / f"board-desktop-{scheme}.png", full_page=True)
        page.get_by_role("button", name="Nightly backup", exact=True).focus()
        page.keyboard.press("Tab")  # a keyboard move shows the focus ring
        expect(page.get_by_role("button", name="Move Nightly backup to To Do")).to_be_focused()
        page.screenshot(
            path=screenshots / f"board-focus-{scheme}.png",
            clip={"x": 420, "y": 220, "width": 440, "height": 300},
        )
        page.get_by_role("button", name="Notifications").click()
        expect(page.locator("#notifications-list li")).to_have_count(1)
        page.screenshot(path=screenshots / f"board-notifications-{scheme}.png")
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Nightly backup", exact=True).click()
        expect(page.get_by_role("dialog")).to_be_visible()
        page.screenshot(path=screenshots / f"board-dialog-{scheme}.png")
