"""Nothing is lost by a slip: unsaved edits are asked about, a delete can be undone on the spot,
and the board's Archived view restores what was deleted."""

import pytest
from playwright.sync_api import expect

from browser_tests.board_page import card, column
from tasks.models import Task
from tasks.services import task_archive, task_create

pytestmark = pytest.mark.browser


def open_task(page, name: str):
    page.get_by_role("button", name=name, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Name")).to_have_value(name)
    return dialog


def test_esc_with_unsaved_edits_asks_and_keep_editing_keeps_them(make_page, member, screenshots):
    task_create(name="Draft", description="old")
    page = make_page(member)
    page.goto("/")
    dialog = open_task(page, "Draft")
    dialog.get_by_label("Description").fill("half-written")
    page.keyboard.press("Escape")
    expect(dialog.get_by_text("You have unsaved changes")).to_be_visible()
    expect(dialog.get_by_role("button", name="Keep editing")).to_be_focused()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_hidden()
    page.screenshot(path=screenshots / "board-unsaved-changes.png")
    dialog.get_by_role("button", name="Keep editing").click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Description")).to_have_value("half-written")


def test_discarding_unsaved_edits_closes_without_saving(make_page, member):
    task = task_create(name="Draft", description="old")
    page = make_page(member)
    page.goto("/")
    dialog = open_task(page, "Draft")
    dialog.get_by_label("Description").fill("half-written")
    dialog.get_by_role("button", name="Cancel").click()
    dialog.get_by_role("button", name="Discard changes").click()
    expect(dialog).to_be_hidden()
    task.refresh_from_db()
    assert task.description == "old"


def test_a_click_outside_with_unsaved_edits_asks_too(make_page, member):
    task_create(name="Draft")
    page = make_page(member)
    page.goto("/")
    dialog = open_task(page, "Draft")
    dialog.get_by_label("Name").fill("Renamed")
    page.mouse.click(5, 5)  # the backdrop
    expect(dialog.get_by_text("You have unsaved changes")).to_be_visible()
    expect(dialog.get_by_label("Name")).to_have_value("Renamed")


def test_esc_without_edits_just_closes(make_page, member):
    task_create(name="Draft")
    page = make_page(member)
    page.goto("/")
    dialog = open_task(page, "Draft")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_leaving_the_page_with_unsaved_edits_asks(make_page, member):
    task_create(name="Draft")
    page = make_page(member)
    page.goto("/")
    dialog = open_task(page, "Draft")
    dialog.get_by_label("Name").fill("Renamed")
    with page.expect_event("dialog") as prompt:
        page.close(run_before_unload=True)  # as a closed tab or a link away would
    assert prompt.value.type == "beforeunload"
    prompt.value.dismiss()  # stay on the page
    expect(dialog.get_by_label("Name")).to_have_value("Renamed")


def test_delete_shows_one_question_without_a_second_cancel(make_page, member):
    task_create(name="Obsolete")
    page = make_page(member)
    page.goto("/")
    dialog = open_task(page, "Obsolete")
    dialog.get_by_role("button", name="Delete", exact=True).click()
    expect(dialog.get_by_text("Delete this task?")).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_hidden()
    expect(dialog.get_by_role("button", name="Keep task")).to_be_focused()
    dialog.get_by_role("button", name="Keep task").click()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_visible()
    assert Task.objects.count() == 1


def test_delete_then_undo_brings_the_card_back(make_page, member, screenshots):
    task_create(name="First")
    task_create(name="Obsolete")
    task_create(name="Last")
    page = make_page(member)
    page.goto("/")
    dialog = open_task(page, "Obsolete")
    dialog.get_by_role("button", name="Delete", exact=True).click()
    dialog.get_by_role("button", name="Delete task").click()
    expect(card(page, "Obsolete")).to_have_count(0)
    undo = page.locator("#toast").get_by_role("button", name="Undo")
    expect(undo).to_be_focused()  # reachable at once by keyboard
    expect(page.locator("#live-region")).to_contain_text("Deleted “Obsolete”")
    assert Task.all_objects.get(name="Obsolete").archived_at is not None
    page.screenshot(path=screenshots / "board-undo-toast.png")
    page.keyboard.press("Enter")
    expect(column(page, "todo").locator(".card-title")).to_have_text(["First", "Obsolete", "Last"])
    expect(page.locator("#live-region")).to_contain_text("Restored “Obsolete”")
    assert Task.objects.filter(name="Obsolete").exists()


def test_restore_from_the_archived_view(make_page, member, screenshots):
    task_archive(task=task_create(name="Gone yesterday"))
    task_create(name="Still here")
    page = make_page(member)
    page.goto("/")
    expect(card(page, "Gone yesterday")).to_have_count(0)
    page.get_by_role("button", name="Archived").click()
    archive = page.get_by_role("region", name="Archived tasks")
    expect(archive.get_by_text("Gone yesterday")).to_be_visible()
    expect(archive).to_contain_text("30 days")
    page.screenshot(path=screenshots / "board-archive.png")
    archive.get_by_role("button", name="Restore “Gone yesterday”").click()
    expect(card(page, "Gone yesterday")).to_have_count(1)
    expect(archive.get_by_text("No archived tasks.")).to_be_visible()
    assert Task.objects.filter(name="Gone yesterday").exists()


def test_a_delete_on_another_page_shows_in_an_open_archive(make_page, member, api):
    task = task_create(name="Elsewhere")
    page = make_page(member)
    page.goto("/")
    page.get_by_role("button", name="Archived").click()
    archive = page.get_by_role("region", name="Archived tasks")
    expect(archive.get_by_text("No archived tasks.")).to_be_visible()
    assert api("DELETE", f"/tasks/{task.pk}")[0] == 200
    expect(card(page, "Elsewhere")).to_have_count(0)
    expect(archive.get_by_text("Elsewhere")).to_be_visible()
