"""One Chromium and one server (tracker.tests.servers: gunicorn.conf.py, ASGI worker) for the whole
browser suite.

Both live for this package only: Playwright's sync API keeps an event loop open in the main thread,
which would break later tests that run async code (pytest may collect this folder first).

The server runs in its own process against the test database, so browser tests use
`transactional_db`: what a test writes is committed and the server sees it.
"""

import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from boards.access import default_board
from boards.models import Membership, Role
from conftest import skip_or_fail
from tracker.tests.servers import current_database_url, running_server

CHROMIUM = "/usr/bin/chromium"
# Screenshots to look at after a run (desktop, 375 px, dark).
SCREENSHOTS = Path(tempfile.gettempdir()) / "board-shots"
API_TOKEN = "test-static-token"


@pytest.fixture(scope="package")
def live_url(django_db_setup, tmp_path_factory) -> str:
    """The app under the real server (tracker.tests.servers), two workers, on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": current_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "API_AUTH_TOKEN": API_TOKEN,
        "PUBLIC_READ": "true",
        "LOG_LEVEL": "WARNING",
        # Board webhooks to the tests' receivers on loopback (browser_tests/test_board_webhooks.py).
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
    }
    log = tmp_path_factory.mktemp("server") / "server.log"
    with running_server(
        env, log, workers=2, settings_module="browser_tests.server_settings"
    ) as server:
        yield server.url


@pytest.fixture(scope="package")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, so Django would refuse the tests'
    # own database calls; they never run inside that loop, so the check does not apply here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE")
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class PageWatch:
    """What a page did that a test may not allow: console errors and requests to other hosts."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    allowed_errors: list[str] = field(default_factory=list)

    def allow_console_error(self, fragment: str) -> None:
        self.allowed_errors.append(fragment)

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.console_errors if not any(a in e for a in self.allowed_errors)]


@pytest.fixture
def watch(live_url) -> PageWatch:
    return PageWatch(origin=live_url)


@pytest.fixture
def make_page(browser, live_url, watch, transactional_db):
    """Open a page (optionally logged in) that fails its test on a console error or an outside request."""
    contexts = []

    def route(request_route):
        url = request_route.request.url
        watch.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or url.startswith(watch.origin):
            request_route.continue_()
        else:
            watch.outside_requests.append(url)
            request_route.abort()

    def make(user=None, **context_options):
        context_options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(base_url=live_url, **context_options)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_url}]
            )
        context.route("**/*", route)
        page = context.new_page()
        page.on(
            "console",
            lambda message: message.type == "error" and watch.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: watch.console_errors.append(f"page error: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert watch.outside_requests == [], "requests left the machine"
    assert watch.unexpected_errors() == [], "console errors"


@pytest.fixture
def member(transactional_db):
    """Alice Smith, an editor of the default board (the board the pages show when they name none)."""
    alice = get_user_model().objects.create_user(
        "alice", "alice@example.com", "alice-password-1", first_name="Alice", last_name="Smith"
    )
    Membership.objects.create(board=default_board(), user=alice, role=Role.EDITOR)
    return alice


@pytest.fixture
def api(live_url):
    """The REST API of the running server, called like a script would (static bearer token)."""

    def call(method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        request = urllib.request.Request(  # noqa: S310 - our own http:// server
            live_url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    return call


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
