"""Small helpers for reading and driving the board in Playwright tests."""

from playwright.sync_api import Locator, Page, expect


def column(page: Page, status: str) -> Locator:
    return page.locator(f'section.column[data-status="{status}"]')


def card(page: Page, name: str) -> Locator:
    return page.locator("li.card").filter(has=page.get_by_role("button", name=name, exact=True))


def card_names(page: Page, status: str) -> list[str]:
    return column(page, status).locator("li.card .card-title").all_text_contents()


def drag(page: Page, source: Locator, target: Locator, *, below: bool = False) -> None:
    """Press on a card, move in small steps (SortableJS's pointer handling), and drop on the target
    once SortableJS has put the dragged card next to it (below or above)."""
    source_id = source.get_attribute("id")
    start = source.bounding_box()
    end = target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 12)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 30, steps=5)
    y = end["y"] + (end["height"] - 8 if below else end["height"] / 2)
    page.mouse.move(end["x"] + end["width"] / 2, y, steps=20)
    # The dragged card itself, not SortableJS's floating copy of it (same id, class sortable-fallback).
    side = "following" if below else "preceding"
    neighbour = target.locator(
        f"xpath={side}-sibling::li[not(contains(@class, 'sortable-fallback'))][1]"
    )
    expect(neighbour).to_have_attribute("id", source_id)
    page.mouse.move(end["x"] + end["width"] / 2, y + 2, steps=2)
    page.mouse.up()
