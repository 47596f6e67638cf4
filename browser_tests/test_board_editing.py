"""What a logged-in person does on the board: log in, add, edit, delete and move cards."""

import pytest
from playwright.sync_api import expect

from browser_tests.board_page import card, card_names, column, drag
from tasks.models import Task, TaskStatus
from tasks.services import task_create

pytestmark = pytest.mark.browser


def is_move(response) -> bool:
    return "/tasks/" in response.url and response.request.method == "PATCH"


def test_log_in_from_the_board_and_come_back_to_it(make_page, member):
    page = make_page()
    page.goto("/?q=x")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Add task")).to_be_visible()
    assert page.url.endswith("/?q=x")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Add task")).to_have_count(0)


def test_add_a_task(make_page, member):
    page = make_page(member)
    page.goto("/")
    new_task = page.get_by_role("form", name="New task")
    new_task.get_by_label("Name").fill("Write docs")
    new_task.get_by_label("Description").fill("For the board")
    new_task.get_by_label("Remind every").fill("15")
    new_task.get_by_label("Unit").select_option("minutes")
    new_task.get_by_role("button", name="Add task").click()
    expect(column(page, "todo").locator(".card-title")).to_have_text(["Write docs"])
    expect(card(page, "Write docs")).to_contain_text("Every 15 min")
    expect(new_task.get_by_label("Name")).to_have_value("")
    assert Task.objects.get().description == "For the board"


def test_field_errors_show_next_to_their_fields(make_page, member, watch, screenshots):
    watch.allow_console_error("status of 400")  # Chromium logs every 4xx answer to fetch()
    page = make_page(member)
    page.goto("/")
    new_task = page.get_by_role("form", name="New task")
    new_task.get_by_label("Remind every").fill("9999")
    new_task.get_by_label("Unit").select_option("days")
    new_task.get_by_role("button", name="Add task").click()
    expect(page.locator("#add-name-error")).to_have_text("Give the task a name.")
    expect(page.locator("#add-interval-error")).to_have_text(
        "Choose an interval between 1 second and 1 year."
    )
    expect(new_task.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    new_task.screenshot(path=screenshots / "board-field-errors.png")
    assert Task.objects.count() == 0


def test_edit_a_task_in_its_details_dialog(make_page, member):
    task = task_create(name="Draft", description="old")
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Draft", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Description")).to_have_value("old")
    dialog.get_by_label("Name").fill("Final")
    dialog.get_by_label("Description").fill("new text")
    dialog.get_by_label("Status").select_option("in_progress")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(column(page, "in_progress").locator(".card-title")).to_have_text(["Final"])
    task.refresh_from_db()
    assert (task.name, task.description, task.status) == ("Final", "new text", "in_progress")


def test_delete_asks_for_confirmation_first(make_page, member):
    task_create(name="Obsolete")
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Obsolete", exact=True).click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_text("Delete this task?")).to_be_visible()
    assert Task.objects.count() == 1
    page.get_by_role("button", name="Delete task").click()
    expect(card(page, "Obsolete")).to_have_count(0)
    assert Task.objects.count() == 0


def test_drag_a_card_to_another_column(make_page, member):
    task_create(name="Deploy")
    task_create(name="Review", status="in_progress")
    page = make_page(member)
    page.goto("/")
    with page.expect_response(is_move):
        drag(page, card(page, "Deploy"), card(page, "Review"), below=True)
    expect(column(page, "in_progress").locator(".card-title")).to_have_text(["Review", "Deploy"])
    assert Task.objects.get(name="Deploy").status == TaskStatus.IN_PROGRESS


def test_move_a_card_with_the_keyboard(make_page, member):
    task_create(name="Deploy")
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Deploy", exact=True).focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move Deploy to In Progress")).to_be_focused()
    page.keyboard.press("Enter")
    expect(column(page, "in_progress").locator(".card-title")).to_have_text(["Deploy"])
    # Focus stays on the card, now in its new column, so the next move is one key away.
    expect(page.get_by_role("button", name="Move Deploy to Done")).to_be_focused()
    page.keyboard.press("Enter")
    expect(column(page, "done").locator(".card-title")).to_have_text(["Deploy"])
    assert Task.objects.get().status == TaskStatus.DONE


def test_reorder_inside_a_column_survives_a_reload(make_page, member):
    for name in ["First", "Second", "Third"]:
        task_create(name=name)
    page = make_page(member)
    page.goto("/")
    with page.expect_response(is_move):
        drag(page, card(page, "First"), card(page, "Third"), below=True)
    expect(column(page, "todo").locator(".card-title")).to_have_text(["Second", "Third", "First"])
    page.reload()
    assert card_names(page, "todo") == ["Second", "Third", "First"]
