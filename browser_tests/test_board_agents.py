"""The task dialog's lines for scripts: a cron line and a `tracker run` line for the task."""

import pytest
from playwright.sync_api import expect

from browser_tests.board_page import card
from tasks.services import task_create

pytestmark = pytest.mark.browser


def test_the_dialog_shows_a_cron_line_and_a_tracker_run_line(make_page, member):
    task = task_create(name="Nightly backup", interval_minutes=15)
    page = make_page(member)
    page.goto("/")
    card(page, "Nightly backup").locator(".card-title").click()
    dialog = page.get_by_role("dialog")
    cron = dialog.get_by_label("Cron line")
    expect(cron).to_have_value(
        f'*/15 * * * * curl -fsS -m 10 --retry 5 -H "Authorization: Bearer $STATUS_TRACKER_TOKEN" {page.url.rstrip("/")}/tasks/{task.pk}/ping'
    )
    assert f"tracker run {task.pk} -- " in dialog.get_by_label("tracker run line").input_value()
