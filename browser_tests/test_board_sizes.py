"""The board as people use it (issue 17): the keyboard alone, a big board, a phone."""

import pytest
from playwright.sync_api import Page, expect

from board.selectors import DONE_COLUMN_LIMIT
from board.tests.board_factories import bulk_tasks
from browser_tests.board_page import card, column
from notifications.models import NotificationType
from notifications.services import notification_create
from tasks.services import task_create

pytestmark = pytest.mark.browser

SIZES = {"375": (375, 740), "1366": (1366, 768), "1920": (1920, 1080)}
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def server_order(api, status: str) -> list[str]:
    """A column's order as a script reads it from the API."""
    code, tasks = api("GET", f"/tasks/?status={status}&ordering=rank")
    assert code == 200
    return [task["name"] for task in tasks]


def title(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def live_region(page: Page):
    return page.locator("#live-region")


def test_alt_arrows_reorder_a_card_inside_its_column(make_page, member, api):
    for name in ["First", "Second", "Third"]:
        task_create(name=name)
    page = make_page(member)
    page.goto("/")
    title(page, "First").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(live_region(page)).to_have_text("Moved “First” to To Do, position 2 of 3.")
    expect(title(page, "First")).to_be_focused()
    assert server_order(api, "todo") == ["Second", "First", "Third"]
    page.keyboard.press("Alt+ArrowDown")
    expect(live_region(page)).to_have_text("Moved “First” to To Do, position 3 of 3.")
    page.keyboard.press("Alt+ArrowDown")
    expect(live_region(page)).to_have_text("“First” is already last in To Do.")
    page.keyboard.press("Alt+ArrowUp")
    expect(live_region(page)).to_have_text("Moved “First” to To Do, position 2 of 3.")
    assert server_order(api, "todo") == ["Second", "First", "Third"]
    expect(title(page, "First")).to_be_focused()


def test_quick_key_presses_reach_the_server_in_order(make_page, member, api):
    for name in ["Top", "B", "C", "D"]:
        task_create(name=name)
    page = make_page(member)
    page.goto("/")
    title(page, "Top").focus()
    for _ in range(3):
        page.keyboard.press("Alt+ArrowDown")
    expect(live_region(page)).to_have_text("Moved “Top” to To Do, position 4 of 4.")
    assert server_order(api, "todo") == ["B", "C", "D", "Top"]


def test_alt_left_and_right_move_a_card_across_columns_and_keep_focus(make_page, member, api):
    task_create(name="Deploy")
    task_create(name="Review", status="in_progress")
    page = make_page(member)
    page.goto("/")
    title(page, "Deploy").focus()
    page.keyboard.press("Alt+ArrowRight")
    expect(live_region(page)).to_have_text("Moved “Deploy” to In Progress, position 2 of 2.")
    expect(column(page, "in_progress").locator(".card-title")).to_have_text(["Review", "Deploy"])
    expect(title(page, "Deploy")).to_be_focused()
    assert server_order(api, "in_progress") == ["Review", "Deploy"]
    page.keyboard.press("Alt+ArrowLeft")  # not the browser's Back
    expect(live_region(page)).to_have_text("Moved “Deploy” to To Do, position 1 of 1.")
    assert page.url.endswith("/")
    assert server_order(api, "todo") == ["Deploy"]
    expect(title(page, "Deploy")).to_be_focused()


def test_a_move_in_done_counts_the_earlier_cards_it_does_not_show(make_page, member, api):
    bulk_tasks(DONE_COLUMN_LIMIT + 5, statuses=("done",))
    task_create(name="Ship", status="in_progress")
    page = make_page(member)
    page.goto("/")
    title(page, "Ship").focus()
    page.keyboard.press("Alt+ArrowRight")
    # The completion notice the move causes may be said beside it (the next test).
    expect(live_region(page)).to_contain_text("Moved “Ship” to Done, position 26 of 26.")
    page.keyboard.press("Alt+ArrowUp")
    expect(live_region(page)).to_contain_text("Moved “Ship” to Done, position 25 of 26.")
    expect(live_region(page)).not_to_contain_text("position 26 of 26")
    assert server_order(api, "done")[-2:] == ["Ship", "Task 24"]


def test_a_notification_right_after_a_move_is_said_after_it_not_instead(
    make_page, member, redis_connection
):
    task = task_create(name="Deploy")
    page = make_page(member)
    page.goto("/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "sse")
    title(page, "Deploy").focus()
    page.keyboard.press("Alt+ArrowRight")
    moved = "Moved “Deploy” to In Progress, position 1 of 1."
    expect(live_region(page)).to_have_text(moved)
    notification_create(
        task=task, message="Deploy needs attention", notification_type=NotificationType.REMINDER
    )
    expect(live_region(page)).to_have_text(moved + " New notification: Deploy needs attention")
    # The person's next action replaces their last one; the news, said moments ago, stays.
    page.keyboard.press("Alt+ArrowLeft")
    expect(live_region(page)).to_have_text(
        "New notification: Deploy needs attention Moved “Deploy” to To Do, position 1 of 1."
    )


def test_arrows_move_focus_between_cards_and_enter_opens_one(make_page, member):
    for name in ["One", "Two"]:
        task_create(name=name)
    task_create(name="Busy", status="in_progress")
    page = make_page(member)
    page.goto("/")
    title(page, "One").focus()
    page.keyboard.press("ArrowDown")
    expect(title(page, "Two")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(title(page, "Busy")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(title(page, "One")).to_be_focused()
    # Tab still walks every control: from the title to its arrow button.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move One to In Progress")).to_be_focused()
    title(page, "One").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()


def test_a_drop_is_announced_with_its_place(make_page, member):
    from browser_tests.board_page import drag

    for name in ["First", "Second", "Third"]:
        task_create(name=name)
    page = make_page(member)
    page.goto("/")
    drag(page, card(page, "First"), card(page, "Second"), below=True)
    expect(live_region(page)).to_have_text("Moved “First” to To Do, position 2 of 3.")


def test_columns_of_a_2000_task_board_scroll_inside_the_viewport(make_page, member, screenshots):
    bulk_tasks(2000)
    page = make_page(member, viewport={"width": 1366, "height": 768})
    page.goto("/")
    expect(column(page, "todo").locator(".card")).to_have_count(200)  # the open columns' cap
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 768 * 1.5
    todo_list = column(page, "todo").locator(".card-list")
    scroll_height, client_height = todo_list.evaluate(
        "list => [list.scrollHeight, list.clientHeight]"
    )
    assert scroll_height > client_height
    # The header and count stay in view while the cards scroll under them.
    header = column(page, "todo").locator("header")
    before = header.bounding_box()
    todo_list.evaluate("list => { list.scrollTop = 5000; }")
    assert header.bounding_box() == before
    expect(header.locator(".count")).to_have_text("667")
    page.evaluate(
        "window.scrollTo(0, document.body.scrollHeight)"
    )  # the column fits above the footer
    # Even then the column's name and count show below the page's sticky header.
    site_header = page.locator("body > header").bounding_box()
    assert header.bounding_box()["y"] >= site_header["y"] + site_header["height"]
    page.screenshot(path=screenshots / "board-2000-tasks.png")


def test_compact_cards_are_remembered(make_page, member, screenshots):
    task_create(name="Deploy", description="Roll out to production", status="in_progress")
    page = make_page(member)
    page.goto("/")
    deploy = card(page, "Deploy")
    comfortable = deploy.bounding_box()["height"]
    toggle = page.get_by_role("button", name="Compact cards")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(deploy.locator("p")).to_be_hidden()
    assert deploy.bounding_box()["height"] < comfortable * 0.6
    page.screenshot(path=screenshots / "board-compact.png")
    page.reload()
    expect(page.get_by_role("button", name="Compact cards")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(card(page, "Deploy").locator("p")).to_be_hidden()
    page.get_by_role("button", name="Compact cards").click()
    expect(card(page, "Deploy").locator("p")).to_be_visible()


def test_a_phone_shows_one_column_at_a_time_with_tabs(make_page, member):
    task_create(name="Plan")
    task_create(name="Deploy", status="in_progress")
    page = make_page(member, **PHONE)
    page.goto("/")
    expect(column(page, "todo")).to_be_visible()
    expect(column(page, "in_progress")).to_be_hidden()
    tab = page.get_by_role("tab", name="In Progress 1")
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(column(page, "in_progress")).to_be_visible()
    expect(column(page, "todo")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_phone_keeps_the_new_task_form_behind_a_button(make_page, member):
    page = make_page(member, **PHONE)
    page.goto("/")
    expect(page.get_by_role("button", name="Add task")).to_be_hidden()
    page.get_by_role("button", name="New task").click()
    expect(page.locator("#add-name")).to_be_focused()
    page.locator("#add-name").fill("From the phone")
    page.get_by_role("button", name="Add task").click()
    expect(column(page, "todo").locator(".card-title")).to_have_text(["From the phone"])


def test_a_keyboard_move_on_a_phone_follows_the_card_to_its_column(make_page, member):
    task_create(name="Deploy")
    page = make_page(member, **PHONE)
    page.goto("/")
    title(page, "Deploy").focus()
    page.keyboard.press("Alt+ArrowRight")
    expect(page.get_by_role("tab", name="In Progress 1")).to_have_attribute("aria-selected", "true")
    expect(title(page, "Deploy")).to_be_focused()


def test_touch_targets_on_a_phone_are_at_least_44_px(make_page, member):
    task_create(name="Deploy", status="in_progress")
    page = make_page(member, **PHONE)
    page.goto("/")
    page.get_by_role("tab", name="In Progress 1").click()
    targets = [
        page.get_by_role("button", name="Move Deploy to To Do"),
        page.get_by_role("button", name="Move Deploy to Done"),
        page.get_by_role("button", name="Notifications"),
        page.locator("#board-switcher > summary"),
        page.get_by_role("button", name="New task"),
        page.get_by_role("tab", name="Done 0"),
    ]
    for target in targets:
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, target


def test_the_unread_badge_leaves_the_bell_in_sight(make_page, screenshots):
    from notifications.models import Notification

    bell_task = task_create(name="Deploy")
    Notification.objects.bulk_create(
        [Notification(task=bell_task, board=bell_task.board, message=f"N{n}") for n in range(120)]
    )
    page = make_page()  # the shared inbox of the public board
    page.goto("/")
    badge = page.locator("#unread-count")
    expect(badge).to_have_text("99+")
    icon = page.locator("#bell svg").bounding_box()
    box = badge.bounding_box()
    overlap_x = max(
        0, min(icon["x"] + icon["width"], box["x"] + box["width"]) - max(icon["x"], box["x"])
    )
    overlap_y = max(
        0, min(icon["y"] + icon["height"], box["y"] + box["height"]) - max(icon["y"], box["y"])
    )
    assert overlap_x * overlap_y <= 0.15 * icon["width"] * icon["height"]
    bell = page.locator("#bell").bounding_box()
    around = {"x": bell["x"] - 12, "y": bell["y"] - 8, "width": bell["width"] + 40, "height": 56}
    page.screenshot(path=screenshots / "bell-99.png", clip=around)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_at_three_widths(make_page, member, screenshots, scheme):
    bulk_tasks(60)
    task_create(name="Nightly backup", description="Dump the database.", status="in_progress")
    for label, (width, height) in SIZES.items():
        phone = width < 768
        page = make_page(
            member,
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            is_mobile=phone,
            has_touch=phone,
        )
        page.goto("/")
        expect(page.locator("#connection-state")).not_to_have_attribute("data-state", "static")
        page.screenshot(path=screenshots / f"sizes-{label}-{scheme}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
