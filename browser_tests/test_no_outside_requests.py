"""No page makes a request that leaves the machine, the API docs included (issue 11).

make_page (browser_tests/conftest.py) routes every request the browser makes: anything not to the
test server (or data:/blob:) is recorded and aborted, and the test fails on it or on a console error
(a request refused by a page's Content-Security-Policy shows up as one).
"""

import pytest
from playwright.sync_api import expect

from tasks.services import task_create

pytestmark = pytest.mark.browser

PAGES = ["/", "/api/redoc/", "/api/docs/", "/accounts/login/", "/admin/login/", "/api-auth/login/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_loads_everything_from_this_server(make_page, watch, path):
    task_create(name="Nightly backup", status="in_progress")
    page = make_page()
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert watch.requests, "the page loaded nothing through the route"


def test_redoc_renders_the_api_without_its_cdn_logo(make_page, watch):
    page = make_page()
    page.goto("/api/redoc/")
    expect(page.get_by_role("heading", name="Status Tracker API")).to_be_visible(timeout=20_000)
    page.wait_for_load_state("networkidle")
    expect(page.locator('img[alt="redocly logo"]')).to_have_count(0)
    assert not any("redoc.ly" in url or "googleapis" in url for url in watch.requests)
