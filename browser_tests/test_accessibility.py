"""axe-core (browser_tests/vendor/axe-core, vendored from npm by board/frontend's `vendor:axe-core`)
audits the pages people use, light and dark: no serious or critical violations.

The script is injected by the test, not served by the app: the page's Content-Security-Policy
allows no inline script, so the test's browser context bypasses it (the app's own CSP is tested in
test_csp_pages.py).
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from boards.access import default_board
from tasks.services import task_create

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SCHEMES = ["light", "dark"]


def assert_accessible(page: Page) -> None:
    """No serious or critical violation; each one found as 'rule (impact): the elements it names'."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return result.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 8)
              .map((n) => n.target.join(" ") + " " + (n.any[0] ? n.any[0].message : "")).join(" | "));
        }"""
    )
    assert violations == [], "\n".join(violations)


def fill_the_board() -> None:
    task_create(
        name="Nightly backup",
        description="Dump the database and copy it to the NAS.",
        status="in_progress",
        interval_minutes=30,
        priority="high",
        context_tags="ops,backup",
        due_date=timezone.now() - timedelta(days=1),
    )
    task_create(name="Deploy v2.4", status="in_progress", interval_minutes=10, priority="low")
    task_create(name="Rotate API keys", interval_minutes=1440, priority="critical")
    task_create(name="Write release notes", interval_minutes=90, due_date=timezone.now())
    task_create(name="Fix flaky test", status="done")  # and a notification for the inbox


def open_page(make_page, user, scheme: str) -> Page:
    return make_page(user, color_scheme=scheme, bypass_csp=True)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_board_and_its_dialog(make_page, member, scheme):
    fill_the_board()
    page = open_page(make_page, member, scheme)
    page.goto("/")
    expect(page.locator("#connection-state")).not_to_have_attribute("data-state", "static")
    assert_accessible(page)
    page.get_by_role("button", name="Nightly backup", exact=True).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator("#task-dialog [data-timeline] li").first).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_board_for_a_visitor(make_page, scheme):
    fill_the_board()
    page = open_page(make_page, None, scheme)
    page.goto("/")
    expect(page.locator("li.card")).to_have_count(5)
    assert_accessible(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_inbox(make_page, member, scheme):
    fill_the_board()
    page = open_page(make_page, member, scheme)
    page.goto("/inbox")
    expect(page.get_by_text("Fix flaky test").first).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_board_settings(make_page, member, scheme):
    from boards.models import Membership, Role

    Membership.objects.filter(user=member).update(role=Role.OWNER)
    page = open_page(make_page, member, scheme)
    page.goto(f"/board/{default_board().pk}/settings")
    expect(page.locator("#members-section")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_notification_settings(make_page, member, scheme):
    page = open_page(make_page, member, scheme)
    page.goto("/settings/notifications")
    expect(page.get_by_role("combobox", name="Time zone")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_login_page(make_page, scheme):
    page = open_page(make_page, None, scheme)
    page.goto("/accounts/login/")
    expect(page.get_by_label("Username")).to_be_visible()
    assert_accessible(page)
