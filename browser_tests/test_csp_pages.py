"""Pages that need more than the site-wide Content-Security-Policy still work under theirs: no
console error (a CSP violation is one), and their scripts run (tracker.middleware.csp,
tracker.api.urls; the headers themselves: tracker/tests/test_csp.py)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tasks.services import task_create

pytestmark = pytest.mark.browser


@pytest.fixture
def staff(transactional_db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "root-password-1")


def test_swagger_ui_renders_every_operation(make_page):
    page = make_page()
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()  # its own script opens an operation
    expect(page.locator(".opblock-body").first).to_be_visible()


def test_redoc_renders_and_starts_its_search(make_page, watch):
    # Its Google Fonts link and CDN logo, refused by the policy: being removed on another branch.
    watch.allow_console_error("fonts.googleapis.com")
    watch.allow_console_error("cdn.redoc.ly")
    page = make_page()
    page.goto("/api/redoc/")
    # ReDoc lays out the whole schema before it shows anything: seconds on a busy 2-core machine.
    expect(page.get_by_role("heading", name="Status Tracker API").first).to_be_visible(
        timeout=30_000
    )
    page.get_by_placeholder("Search...").fill("tasks")
    # Its search index is built in a web worker after the layout: as slow, under the same load.
    expect(page.locator('[role="search"] [data-role="search:results"] li').first).to_be_visible(
        timeout=30_000
    )


def test_the_admin_and_its_scripts_work_under_the_strict_policy(make_page, staff):
    task_create(name="Deploy")
    task_create(name="Backup")
    page = make_page(staff)
    page.goto("/admin/")
    expect(page.locator("#tasks-task").get_by_role("link", name="Tasks")).to_be_visible()
    page.goto("/admin/tasks/task/")
    page.locator("#action-toggle").check()  # admin/js/actions.js selects every row
    expect(page.locator(".action-select:checked")).to_have_count(2)
    expect(page.locator(".action-counter")).to_contain_text("2 of 2 selected")


def test_the_rq_dashboard_shows_under_its_policy(make_page, staff, redis_connection):
    page = make_page(staff)
    page.goto("/admin/django_rq/dashboard/")
    expect(page.get_by_text("default").first).to_be_visible()


def test_the_browsable_api_logs_out_through_its_allowed_handler(make_page, staff):
    page = make_page(staff)
    page.goto("/tasks/", wait_until="load")
    page.locator(".navbar .dropdown-toggle").first.click()
    page.get_by_role("link", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
