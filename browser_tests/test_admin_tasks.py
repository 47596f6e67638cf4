"""The admin's task list at a laptop's 1366 px: everything fits and reads well."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tasks.models import TaskStatus
from tasks.services import task_create

pytestmark = pytest.mark.browser


@pytest.fixture
def staff(transactional_db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "root-password-1")


def fill_the_list() -> None:
    task_create(
        name="Rotate the API keys of every production service before the end of the quarter",
        interval_minutes=120,
        status=TaskStatus.IN_PROGRESS,
    )
    task_create(name="Nightly backup", interval_minutes=0.5, status=TaskStatus.IN_PROGRESS)
    task_create(name="Write release notes", interval_minutes=1440)
    task_create(name="Deploy", interval_minutes=5, status=TaskStatus.DONE)


def test_the_task_list_fits_1366_px(make_page, staff, screenshots):
    fill_the_list()
    page = make_page(staff, viewport={"width": 1366, "height": 768})
    page.goto("/admin/tasks/task/")
    expect(page.locator("#result_list")).to_be_visible()
    page.screenshot(path=screenshots / "admin-tasks-1366.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    table = page.locator("#result_list").bounding_box()
    assert table["x"] + table["width"] <= 1366
    # Nothing clipped: the list's own scroll box (the admin's .results) needs no scrolling.
    assert (
        page.evaluate(
            "(() => { const box = document.querySelector('#changelist .results');"
            " return box.scrollWidth - box.clientWidth; })()"
        )
        <= 0
    )
    # The long name (shortened to 64 characters) wraps over three lines at most (about 16 px each).
    long_name = page.get_by_role("link", name="Rotate the API keys", exact=False)
    assert long_name.bounding_box()["height"] <= 3 * 16 + 4
    rows = page.locator("#result_list tbody tr")
    expect(rows.filter(has_text="Nightly backup")).to_contain_text("Every 30 s")
    expect(rows.filter(has_text="Write release notes")).to_contain_text("Every day")


def test_the_task_list_shows_times_in_the_persons_zone(make_page, staff):
    from accounts.services import notification_preferences_update

    notification_preferences_update(user=staff, time_zone="Asia/Kolkata")
    task_create(name="Old backup", now=datetime(2025, 6, 1, 12, 0, tzinfo=UTC))
    page = make_page(staff, viewport={"width": 1366, "height": 768})
    page.goto("/admin/tasks/task/")
    # Created (and last pinged) at 12:00 UTC, 17:30 in India.
    expect(page.locator("#result_list .field-pinged")).to_have_text("1 Jun 2025, 17:30")
