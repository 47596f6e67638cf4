"""Script injection: a corpus of XSS payloads as task names, descriptions and notifications, rendered
by the board in Chromium, must run nothing and show as the text that was typed.

Each payload tries to set window.__xss or open a dialog. Escaping is checked on its own, not only
through the Content-Security-Policy (which would block most of these anyway): no element or event
handler attribute may come out of a payload, and a CSP report in the console fails the test too
(make_page fails on any console error), since it would mean markup got through.
"""

import urllib.request

import pytest
from playwright.sync_api import Page, expect

from browser_tests.board_page import card
from notifications.services import notifications_create_reminders
from tasks.services import task_create

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__xss = 'script'</script>",
    "<img src=x onerror=\"window.__xss='img'\">",
    "<svg onload=\"window.__xss='svg'\"></svg>",
    "<svg><script>window.__xss='svg-script'</script></svg>",
    '"><script>window.__xss="attr-break"</script>',
    "' onmouseover='window.__xss=1' data-x='",
    '" autofocus onfocus="window.__xss=\'focus\'" x="',
    "</textarea><script>alert('textarea')</script>",
    "</title><script>alert('title')</script>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<a href=\"javascript:window.__xss='href'\">click me</a>",
    "<body onload=alert('body')>",
    "<details open ontoggle=\"window.__xss='toggle'\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('noscript')>\">",
    "{{ constructor.constructor('window.__xss=1')() }}",
    "${alert('template')}",
    "javascript:alert('scheme')",
    "&lt;script&gt;alert('entity')&lt;/script&gt;",
    "<scr<script>ipt>alert('nested')</scr</script>ipt>",
    '<input value="x" onfocus="alert(\'input\')" autofocus>',
    "<object data=\"data:text/html,<script>alert('object')</script>\"></object>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'meta\')">',
    "<style>@import 'javascript:alert(1)';</style>",
    "\u202e<script>alert('rtl')</script>",
]

FIND_INJECTED_MARKUP = """() => {
    const roots = document.querySelectorAll("#board-columns, #notifications-list, #task-dialog");
    const found = [];
    for (const root of roots) {
        for (const element of root.querySelectorAll("script, img, svg:not([aria-hidden]), iframe, object, a[href^='javascript'], details, math, meta, style, input[autofocus], body")) {
            found.push(element.outerHTML.slice(0, 80));
        }
        for (const element of root.querySelectorAll("*")) {
            for (const attribute of element.attributes) {
                if (attribute.name.startsWith("on")) found.push(element.outerHTML.slice(0, 80));
            }
        }
    }
    return found;
}"""


def _watch_for_execution(page: Page) -> list[str]:
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def _assert_nothing_ran(page: Page, dialogs: list[str]) -> None:
    # Give error and load handlers (which fire asynchronously) the chance to run.
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert page.evaluate(FIND_INJECTED_MARKUP) == []


@pytest.fixture
def hostile_tasks() -> list:
    """Each payload as a name (todo, in progress, and done: a completion notification names it) and
    as a description, plus a reminder notification for the in-progress ones."""
    tasks = []
    statuses = ["todo", "in_progress", "done"]
    for index, payload in enumerate(PAYLOADS):
        tasks.append(
            task_create(
                name=payload[:200],
                description=f"{payload}\n\nsecond line {payload}",
                status=statuses[index % 3],
            )
        )
    notifications_create_reminders(
        tasks=[task for task in tasks if task.status == "in_progress"], now=tasks[0].created_at
    )
    return tasks


def test_payloads_on_the_board_run_nothing_and_show_as_text(make_page, member, hostile_tasks):
    page = make_page(member)
    dialogs = _watch_for_execution(page)
    page.goto("/")
    titles = page.locator("#board-columns .card-title")
    expect(titles).to_have_count(len(PAYLOADS))
    assert sorted(titles.all_text_contents()) == sorted(task.name for task in hostile_tasks)
    _assert_nothing_ran(page, dialogs)


def test_payloads_in_notifications_run_nothing_and_show_as_text(make_page, member, hostile_tasks):
    page = make_page(member)
    dialogs = _watch_for_execution(page)
    page.goto("/")
    page.get_by_role("button", name="Notifications").click()
    messages = page.locator("#notifications-list .notification")
    expect(messages.first).to_be_visible()
    shown = " ".join(messages.all_text_contents())
    done = [task for task in hostile_tasks if task.status == "done"]
    for task in done[:5]:
        assert f"Task '{task.name}' has been completed!" in shown
    _assert_nothing_ran(page, dialogs)


def test_payloads_in_the_details_dialog_run_nothing_and_fill_the_fields_literally(
    make_page, member, hostile_tasks
):
    page = make_page(member)
    dialogs = _watch_for_execution(page)
    page.goto("/")
    for task in hostile_tasks[:8]:
        card(page, task.name).locator(".card-title").click()
        expect(page.locator("#edit-name")).to_have_value(task.name)
        expect(page.locator("#edit-description")).to_have_value(task.description)
        page.keyboard.press("Escape")
        expect(page.locator("#task-dialog")).not_to_be_visible()
    _assert_nothing_ran(page, dialogs)


def test_a_payload_arriving_live_runs_nothing(make_page, member, api):
    page = make_page(member)
    dialogs = _watch_for_execution(page)
    page.goto("/")
    for payload in PAYLOADS[:6]:
        status, _ = api("POST", "/tasks/", {"name": payload, "description": payload})
        assert status == 200
    expect(page.locator("#board-columns .card-title")).to_have_count(6)
    _assert_nothing_ran(page, dialogs)


def test_a_payload_in_the_search_box_and_url_runs_nothing(make_page, member):
    task_create(name="Deploy")
    page = make_page(member)
    dialogs = _watch_for_execution(page)
    page.goto("/?q=" + urllib.request.quote(PAYLOADS[1]))
    expect(page.get_by_role("searchbox", name="Search tasks")).to_have_value(PAYLOADS[1])
    _assert_nothing_ran(page, dialogs)


# --- headers -------------------------------------------------------------------------------------

BOARD_PATHS = ["/", "/board/columns", "/accounts/login/"]
API_PATHS = ["/tasks/", "/notifications/", "/notifications/unread-count", "/tasks/0"]


def _headers(url: str) -> dict[str, str]:
    request = urllib.request.Request(url)  # noqa: S310 - our own http:// test server
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return {name.lower(): value for name, value in response.headers.items()}
    except urllib.error.HTTPError as error:
        return {name.lower(): value for name, value in error.headers.items()}


@pytest.mark.parametrize("path", BOARD_PATHS)
def test_board_pages_send_a_strict_content_security_policy(live_url, transactional_db, path):
    headers = _headers(live_url + path)
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in headers["content-security-policy"].split("; ")
    }
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]


@pytest.mark.parametrize("path", BOARD_PATHS + API_PATHS)
def test_board_and_api_responses_send_the_security_headers(live_url, transactional_db, path):
    headers = _headers(live_url + path)
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"


@pytest.mark.parametrize("path", API_PATHS)
def test_api_responses_are_json_never_sniffable_html(live_url, transactional_db, path):
    headers = _headers(live_url + path)
    assert headers["content-type"].startswith("application/json")
