"""Card moves name a neighbour, not an index: reordering under a search and past a column's cap."""

import pytest
from playwright.sync_api import expect

from board.selectors import OPEN_COLUMN_LIMIT
from board.tests.board_factories import bulk_tasks
from browser_tests.board_page import card, column, drag
from tasks.services import task_create
from tasks.tests.ordering import column_names

pytestmark = pytest.mark.browser


def is_move(response) -> bool:
    return "/tasks/" in response.url and response.request.method == "PATCH"


def test_reorder_under_an_active_search_moves_the_card_among_the_visible_ones(make_page, member):
    for name in ["Alpha one", "Other", "Alpha two", "Alpha three"]:
        task_create(name=name)
    page = make_page(member)
    # Under a search the page's version stamp covers only the matching cards, so the live stream
    # finds it stale once it opens and the columns refresh: let that happen before dragging.
    with page.expect_response(lambda response: "/board/columns" in response.url):
        page.goto("/?q=alpha")
    expect(column(page, "todo").locator(".card-title")).to_have_text(
        ["Alpha one", "Alpha two", "Alpha three"]
    )
    with page.expect_response(is_move) as move:
        drag(page, card(page, "Alpha one"), card(page, "Alpha three"), below=True)
    assert move.value.status == 200
    expect(column(page, "todo").locator(".card-title")).to_have_text(
        ["Alpha two", "Alpha three", "Alpha one"]
    )
    # Right below the card it was dropped under; the hidden card keeps its place.
    assert column_names("todo") == ["Other", "Alpha two", "Alpha three", "Alpha one"]


def test_a_card_moved_past_a_columns_cap_stays_visible_and_keeps_focus(make_page, member):
    bulk_tasks(OPEN_COLUMN_LIMIT + 10, statuses=("in_progress",))
    task_create(name="Deploy")
    page = make_page(member)
    page.goto("/")
    move = page.get_by_role("button", name="Move Deploy to In Progress")
    move.focus()
    page.keyboard.press("Enter")
    # The end of In Progress, past its 200 rendered cards: shown anyway, focus on the same control
    # kind, so the next move is one key away.
    expect(column(page, "in_progress").locator(".card-title").last).to_have_text("Deploy")
    expect(page.get_by_role("button", name="Move Deploy to Done")).to_be_focused()
    assert column_names("in_progress")[-1] == "Deploy"
