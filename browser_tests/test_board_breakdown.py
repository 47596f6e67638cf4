"""The work breakdown in Chromium: cards show it, the dialog's todos toggle with Space, comments go
with Ctrl+Enter, and the XSS corpus as comment Markdown runs nothing."""

import pytest
from playwright.sync_api import expect

from browser_tests.board_page import card
from browser_tests.test_xss import PAYLOADS, _assert_nothing_ran, _watch_for_execution
from tasks.comments import comment_create
from tasks.models import Comment, Todo
from tasks.services import task_create

pytestmark = pytest.mark.browser

PHASES = [{"name": "Build", "todos": [{"name": "Compile"}, {"name": "Link"}]}]


def test_a_card_shows_priority_tags_and_progress(make_page, member):
    task_create(name="Release", priority="high", context_tags="ops", phases=PHASES)
    page = make_page(member)
    page.goto("/")
    release = card(page, "Release")
    expect(release).to_contain_text("High")
    expect(release).to_contain_text("#ops")
    expect(release).to_contain_text("0/2 todos")


def test_space_toggles_a_todo_and_ctrl_enter_sends_a_comment(make_page, member):
    task = task_create(name="Release", phases=PHASES)
    page = make_page(member)
    page.goto("/")
    card(page, "Release").locator(".card-title").click()
    dialog = page.locator("#task-dialog")
    todo = dialog.get_by_label("Compile")
    todo.focus()
    with page.expect_response(lambda r: "/todos/" in r.url and r.request.method == "PATCH"):
        page.keyboard.press("Space")
    expect(dialog.locator("[data-progress]")).to_have_text("50%")
    assert Todo.objects.get(name="Compile").status == "done"
    box = dialog.locator("[data-comment-text]")
    box.fill("Looks **good**")
    with page.expect_response(lambda r: r.url.endswith("/comments") and r.request.method == "POST"):
        box.press("Control+Enter")
    expect(dialog.locator(".breakdown-comment-body strong")).to_have_text("good")
    assert Comment.objects.filter(task=task, text="Looks **good**").exists()
    expect(dialog.locator("[data-timeline] li").first).to_be_visible()
    expect(card(page, "Release")).to_contain_text("1/2 todos")


def test_the_xss_corpus_as_comments_runs_nothing(make_page, member):
    task = task_create(name="Hostile")
    for payload in PAYLOADS:
        comment_create(task=task, text=payload, author="agent")
        comment_create(
            task=task, text=f"[link]({payload}) **{payload}** `{payload}`", author="agent"
        )
    page = make_page(member)
    dialogs = _watch_for_execution(page)
    page.goto("/")
    card(page, "Hostile").locator(".card-title").click()
    comments = page.locator("#task-dialog .breakdown-comment")
    expect(comments).to_have_count(2 * len(PAYLOADS) + 1)  # and the system's "created"
    _assert_nothing_ran(page, dialogs)
